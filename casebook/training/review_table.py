"""The content review's table: every scenario with its topic, skills, sources,
red lines, where it applies and the month its facts were checked.

``casebook scenarios list`` prints it as Markdown, and ``docs/content-review.md``
carries the same table for the shipped set (a test keeps the two equal), so a
trainer or reviewer sees the whole set at a glance and knows what is due.
"""

from __future__ import annotations

from collections.abc import Iterable

from .content_rules import GuidanceSites
from .format import Scenario

HEADINGS = ("Scenario", "Topic", "Skills", "Sources", "Red lines", "Where it applies",
            "Reviewed")


def review_table(scenarios: Iterable[Scenario], sites: GuidanceSites) -> str:
    """A Markdown table, one row per scenario, by topic then id."""
    rows = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for scenario in sorted(scenarios, key=lambda s: (s.topic, s.id)):
        sources = ", ".join(f"[{_cell(sites.organisation(s.url))}]({s.url})"
                            for s in scenario.sources)
        red_lines = sum(bool(c.red_line) for n in scenario.nodes.values() for c in n.choices)
        cells = (f"`{scenario.id}` {_cell(scenario.title)}", scenario.topic,
                 "; ".join(scenario.skills), sources, str(red_lines),
                 _cell(scenario.nations) or "UK-wide", scenario.reviewed)
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")
