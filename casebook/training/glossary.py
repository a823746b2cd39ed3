"""The shared glossary: words a scenario uses that a new volunteer may not know, each
with a plain one-sentence definition (``glossary.yaml`` beside this module).

>>> [t.term for t in terms_in("Never type their one-time code. Call 159.")]
['one-time code', '159']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .format import Scenario

GLOSSARY = Path(__file__).parent / "glossary.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern:
        # Longest spelling first, so "data SIM card" wins over "data SIM".
        spellings = sorted((self.term, *self.aliases), key=len, reverse=True)
        words = "|".join(re.escape(s) for s in spellings)
        return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)


@cache
def load_glossary(path: Path = GLOSSARY) -> tuple[Term, ...]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Term(str(e["term"]), " ".join(str(e["definition"]).split()),
                      tuple(str(a) for a in e.get("aliases", ()))) for e in entries)


def terms_in(text: str, glossary: Iterable[Term] | None = None) -> list[Term]:
    """The glossary terms a text uses, in the order they first appear."""
    found = []
    for term in glossary or load_glossary():
        match = term.pattern.search(text)
        if match:
            found.append((match.start(), term))
    return [term for _, term in sorted(found, key=lambda pair: pair[0])]


def terms_used(scenario: Scenario) -> list[Term]:
    """Every glossary term a scenario uses anywhere (texts, choices, feedback, endings)."""
    parts = [scenario.summary]
    for node in scenario.nodes.values():
        parts.append(node.text)
        parts += [f"{c.label}\n{c.feedback}" for c in node.choices]
        if node.ending:
            parts.append(node.ending.text)
    return terms_in("\n".join(parts))
