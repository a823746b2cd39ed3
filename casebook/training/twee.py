"""Converts a Twee 3 story (Twine's plain-text format) into a training scenario.

Twee is what Twine's "Export as Twee" writes (the Twee 3 specification is in
github.com/iftechfoundation/twine-specs). A trainer who sketched a scenario in
Twine turns it into scenario YAML here, then adds what Twee cannot hold.

Each story passage becomes a node, each link a choice, and a passage with no
links an ending. Scores and outcomes come from the tags of the passage a link
goes to: ``good``, ``mixed``, ``bad`` or ``poor``, ``score:N``; a link into a
passage tagged ``red-line`` (or ``redline``) crosses a red line.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass

import yaml

from ..errors import CasebookError
from .checker import best_score
from .format import TOPICS, read_scenario

REMINDER = ("the sources, objectives and reviewed month are placeholders: replace them with "
            "the public guidance the scenario follows and the month you checked it, before "
            "anyone trains with it")
# Special passage names of Twee 3 and the common story formats: settings and code, not story.
SPECIAL_PASSAGES = frozenset(
    "StoryTitle StoryData StoryInit StoryAuthor StorySubtitle StoryMenu StoryCaption StoryBanner "
    "StoryShare StoryIncludes StoryInterface PassageReady PassageDone PassageHeader PassageFooter"
    .split())
CODE_TAGS = frozenset({"script", "stylesheet", "widget"})
# A link into a passage with one of these tags crosses a red line.
RED_LINE_TAGS = frozenset({"red-line", "redline"})
DEFAULT_TOPIC = "Common enquiries"
MAX_FEEDBACK = 200
# `.*?\]*` lets a target end in "]" (an escaped name like "Leaflet \[draft\]").
_LINK = re.compile(r"\[\[(.*?\]*)\]\]")
# Tag -> (outcome of an ending, score of a choice that leads to it).
_TAGS = {"good": ("good", 2), "bad": ("poor", 0), "poor": ("poor", 0), "mixed": ("mixed", 1)}
_SCORE_TAG = re.compile(r"^score[:=-](-?\d+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TweeError(CasebookError):
    """The text is not a Twee story that can be turned into a scenario."""


@dataclass(frozen=True)
class Passage:
    name: str
    tags: tuple[str, ...]
    text: str
    line: int


@dataclass(frozen=True)
class Link:
    label: str
    target: str


def parse_twee(source: str) -> list[Passage]:
    """Every passage in file order, special ones included, with its header's line number."""
    lines = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers = [number for number, line in enumerate(lines) if line.startswith("::")]
    if not headers:
        raise TweeError("not a Twee story: no passage headers (lines starting with '::')")
    passages: dict[str, Passage] = {}
    for index, start in enumerate(headers):
        end = headers[index + 1] if index + 1 < len(headers) else len(lines)
        name, tags = _parse_header(lines[start][2:], start + 1)
        if name in passages:
            raise TweeError(f"line {start + 1}: passage {name!r} is defined twice (first on "
                            f"line {passages[name].line})")
        # Trailing blank lines are not part of a passage; leading ones keep line numbers right.
        text = "\n".join(lines[start + 1:end]).rstrip()
        passages[name] = Passage(name, tags, text, start + 1)
    return list(passages.values())


def _parse_header(rest: str, number: int) -> tuple[str, tuple[str, ...]]:
    name, i = _read_until(rest, 0, "[{")
    name = name.strip()
    if not name:
        raise TweeError(f"line {number}: the passage header has no name")
    while i < len(rest) and rest[i] == " ":
        i += 1
    if i < len(rest) and rest[i] == "[":
        block, i = _read_until(rest, i + 1, "]")
        if i >= len(rest):
            raise TweeError(f"line {number}: the tags of passage {name!r} have no closing ']'")
        return name, tuple(block.split())
    # The metadata block only places the passage on Twine's map, so it is not read.
    return name, ()


def _read_until(text: str, i: int, stops: str) -> tuple[str, int]:
    """Decode escapes (a backslash keeps the next character as it is) up to a stop."""
    out = []
    while i < len(text) and text[i] not in stops:
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i


def parse_link(inner: str) -> Link:
    """One ``[[...]]`` link's label and target, in any of Twine's four forms."""
    inner = re.sub(r"\]\[.*$", "", inner)  # SugarCube's setter: [[label|target][$x to 1]]
    if "->" in inner:  # Twine reads the rightmost -> and the leftmost <- as the divider
        label, _, target = inner.rpartition("->")
    elif "<-" in inner:
        target, _, label = inner.partition("<-")
    elif "|" in inner:
        label, _, target = inner.rpartition("|")
    else:
        label = target = inner
    return Link(label.strip() or target.strip(), target.strip())


def links(text: str) -> list[Link]:
    """The links in a passage's text, in order, each once."""
    return list(dict.fromkeys(parse_link(m[1]) for m in _LINK.finditer(text)))


def clean_text(text: str) -> str:
    """Passage text without its links: a line of only links goes (the choices replace
    it); a link inside a sentence keeps its label so the sentence still reads."""
    kept = []
    for line in text.split("\n"):
        if _LINK.search(line) and not _LINK.sub("", line).strip(" \t-*|•"):
            continue
        # Tabs and trailing spaces would stop YAML writing the text as a block (|).
        kept.append(_LINK.sub(lambda m: parse_link(m[1]).label, line).expandtabs(4).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by dashes ('Café Wi-Fi!' -> 'cafe-wi-fi')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _node_ids(passages: list[Passage]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for passage in passages:
        base = slug(passage.name) or "passage"
        node_id, n = base, 2
        while node_id in ids.values():
            node_id, n = f"{base}-{n}", n + 1
        ids[passage.name] = node_id
    return ids


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


def _shorten(paragraph: str, limit: int = MAX_FEEDBACK) -> str:
    if len(paragraph) <= limit:
        return paragraph
    kept = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if len(f"{kept} {sentence}".strip()) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    # A first sentence longer than the limit is cut at a word instead.
    return kept or paragraph[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _tag_meaning(tags: tuple[str, ...]) -> tuple[str, int]:
    lowered = {t.lower() for t in tags}
    # Checked in this order, so a passage tagged both good and bad counts as good.
    return next((_TAGS[tag] for tag in _TAGS if tag in lowered), ("mixed", 1))


def score(tags: tuple[str, ...]) -> int:
    """A choice's score from the tags of the passage it goes to (default 1)."""
    explicit = [int(m[1]) for tag in tags if (m := _SCORE_TAG.match(tag.lower()))]
    return explicit[0] if explicit else _tag_meaning(tags)[1]


def outcome(tags: tuple[str, ...]) -> str:
    """An ending's outcome from its passage's tags (default mixed, as for a bare ``end``)."""
    return _tag_meaning(tags)[0]


def _story_data(passages: list[Passage]) -> dict:
    found = next((p for p in passages if p.name == "StoryData"), None)
    if found is None or not found.text.strip():
        return {}
    try:
        data = json.loads(found.text)
    except json.JSONDecodeError as exc:
        raise TweeError(f"line {found.line + exc.lineno}: StoryData is not valid JSON: "
                        f"{exc.msg}") from None
    if not isinstance(data, dict):
        raise TweeError(f"line {found.line}: StoryData must be a JSON object {{...}}")
    return data


def _start(story: list[Passage], data: dict) -> Passage:
    by_name = {p.name: p for p in story}
    if "start" in data:
        if not isinstance(data["start"], str) or data["start"] not in by_name:
            raise TweeError(f"StoryData names the start passage {data['start']!r}, which is "
                            "not a passage in the story")
        return by_name[data["start"]]
    return by_name.get("Start", story[0])


def _topic(passages: list[Passage], data: dict, topic: str | None) -> str:
    """The --topic option, else StoryData's "topic", else a ``topic:<name>`` tag."""
    hint = topic or data.get("topic") or next(
        (t.split(":", 1)[1] for p in passages for t in p.tags if t.startswith("topic:")), None)
    if hint is None:
        return DEFAULT_TOPIC
    matches = [t for t in TOPICS if slug(t) == slug(str(hint))]
    if not matches:
        raise TweeError(f"topic {hint!r} is not one of: {', '.join(TOPICS)}")
    return matches[0]


def _node(passage: Passage, ids: dict[str, str], by_name: dict[str, Passage]) -> dict:
    text = clean_text(passage.text)
    found = links(passage.text)
    if not found:
        return {"id": ids[passage.name], "ending": {
            "title": passage.name, "text": text or passage.name, "outcome": outcome(passage.tags)}}
    choices = []
    for link in found:
        target = by_name.get(link.target)
        if target is None:
            raise TweeError(f"line {passage.line}: passage {passage.name!r} links to "
                            f"{link.target!r}, which is not a passage in the story")
        feedback = _shorten(_first_paragraph(clean_text(target.text)))
        # A link inside a sentence often starts lower-case; a choice starts a sentence.
        label = link.label[:1].upper() + link.label[1:]
        choice = {"label": label, "next": ids[target.name], "score": score(target.tags),
                  "feedback": feedback or _you_chose(label)}
        if RED_LINE_TAGS & {t.lower() for t in target.tags}:
            # A red line earns nothing; its sentence starts as the passage's first one,
            # for the trainer to make it say which line is crossed.
            choice["score"] = min(choice["score"], 0)
            choice["red_line"] = (_SENTENCE_END.split(feedback)[0] if feedback
                                  else f"{label} crosses a line staff never cross.")
        choices.append(choice)
    return {"id": ids[passage.name], "text": text or passage.name, "choices": choices}


def _you_chose(label: str) -> str:
    return f"You chose: {label}" + ("" if label[-1] in ".!?" else ".")


def twee_to_scenario(source: str, *, scenario_id: str | None = None, topic: str | None = None,
                     pass_mark: int | None = None, fallback_title: str = "Twine story") -> dict:
    """The scenario, as a dict in the documented key order, for a Twee story's source."""
    passages = parse_twee(source)
    story = [p for p in passages
             if p.name not in SPECIAL_PASSAGES and not CODE_TAGS & set(p.tags)]
    if not story:
        raise TweeError("the story has no passages (only special, script or stylesheet ones)")
    data = _story_data(passages)
    start = _start(story, data)
    titles = [p.text.strip().split("\n")[0].strip() for p in passages if p.name == "StoryTitle"]
    title = (titles or [""])[0] or fallback_title
    scenario_id = scenario_id or slug(title) or "twine-story"
    if not _ID.match(scenario_id):
        raise TweeError(f"id {scenario_id!r} must be lower-case letters, digits and dashes")
    ids = _node_ids(story)
    by_name = {p.name: p for p in story}
    # The start node goes first: trainers read the file from the top.
    ordered = [start, *(p for p in story if p is not start)]
    summary = _SENTENCE_END.split(_first_paragraph(clean_text(start.text)))[0]
    scenario = {
        "id": scenario_id, "title": title, "topic": _topic(passages, data, topic),
        "summary": summary or title, "minutes": min(120, max(2, len(story) // 2)),
        "objectives": [f"Practise the decisions in: {title}"], "skills": ["Problem solving"],
        "sources": [{"title": f"Converted from the Twine story {title}",
                     "url": "https://twinery.org/"}],
        "version": 1, "reviewed": datetime.date.today().strftime("%Y-%m"),
        "pass_mark": 0, "start": ids[start.name],
        "nodes": [_node(p, ids, by_name) for p in ordered],
    }
    scenario["pass_mark"] = _pass_mark(scenario, pass_mark)
    return scenario


def _pass_mark(scenario: dict, given: int | None) -> int:
    """The given pass mark, else about 60% of the best reachable score."""
    best = best_score(read_scenario("<twee>", text=to_yaml(scenario)))
    if given is not None:
        if best is not None and given > best:
            raise TweeError(f"--pass-mark {given} is above the best reachable score {best}")
        return given
    if best is None or best < 1:
        return 0 if best is None else min(best, 0)  # nothing to pass: the check will say so
    return max(1, (best * 3 + 2) // 5)


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as docs/scenario-format.md does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text as a block scalar (|) so a trainer can edit it as it reads.
    block = "\n" in value
    text = value.rstrip("\n") + "\n" if block else value
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if block else None)


_Dumper.add_representer(str, _represent_text)


def to_yaml(scenario: dict) -> str:
    """Scenario YAML a trainer can read and edit: documented key order, block text."""
    return yaml.dump(scenario, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=10_000)


def twee_to_yaml(source: str, **options) -> str:
    """Convert Twee source to scenario YAML; options as for :func:`twee_to_scenario`."""
    return to_yaml(twee_to_scenario(source, **options))
