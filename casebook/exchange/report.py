"""A meet-up's "key takeaways" page, in Markdown or HTML, ready to publish.

Takeaways are grouped by kind (challenges first, as meet-up write-ups put
them), then by theme, with counts and the resources people mentioned. Entry
text is always escaped: whatever markup someone typed is shown as text, never
run, in either format.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..entries import Entry, iter_entries
from ..errors import Problem, ValidationError
from ..filters import EntryFilter
from ..meetups import Meetup, get_meetup
from ..store import Casebook
from ..taxonomy import KIND_HEADINGS, THEMES

NO_THEME = "Other"
FORMATS = ("md", "html")


@dataclass(frozen=True)
class Takeaways:
    meetup: Meetup
    # kind -> theme -> entries, in reading order
    groups: dict[str, dict[str, list[Entry]]]
    resources: list[tuple[str, int]]
    services: int
    total: int


def gather(cb: Casebook, meetup_id: str) -> Takeaways:
    """The meet-up's entries (drafts and published; not archived or deleted), grouped."""
    meetup = get_meetup(cb, meetup_id)
    where = EntryFilter(meetup_id=meetup.id, statuses=("draft", "published"))
    groups: dict[str, dict[str, list[Entry]]] = {kind: defaultdict(list)
                                                 for kind in KIND_HEADINGS}
    resources: Counter[str] = Counter()
    services: set[str] = set()
    total = 0
    for entry in iter_entries(cb, where):
        # Each entry sits under its first theme; its other themes show beside it.
        groups[entry.kind][entry.themes[0] if entry.themes else NO_THEME].append(entry)
        resources.update(entry.resources)
        if entry.library_service:
            services.add(entry.library_service)
        total += 1
    ordered = {
        kind: {theme: themes[theme] for theme in (*THEMES, NO_THEME) if theme in themes}
        for kind, themes in groups.items() if themes
    }
    ranked = sorted(resources.items(), key=lambda item: (-item[1], item[0]))
    return Takeaways(meetup, ordered, ranked, len(services), total)


def render(cb: Casebook, meetup_id: str, fmt: str) -> str:
    """The report as Markdown (``md``) or a standalone HTML page (``html``)."""
    if fmt not in FORMATS:
        raise ValidationError([Problem("format", "unknown",
                                       f"{fmt!r} is not one of: {', '.join(FORMATS)}")])
    takeaways = gather(cb, meetup_id)
    return to_markdown(takeaways) if fmt == "md" else to_html(takeaways)


def _intro(t: Takeaways) -> str:
    where = f", hosted by {t.meetup.host_network}" if t.meetup.host_network else ""
    services = (f" from {t.services} library service{'s' if t.services != 1 else ''}"
                if t.services else "")
    noun = "takeaway" if t.total == 1 else "takeaways"
    return f"{t.meetup.date:%-d %B %Y}{where}. {t.total} {noun}{services}."


# Characters that start emphasis, code, links, headings or tables anywhere in a line;
# list markers ("-", "+", "1.") only matter at its start.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+>]|\d+(?=[.)]))", re.MULTILINE)


def md_escape(text: str) -> str:
    """Text shown literally in Markdown: HTML tags inert, Markdown syntax escaped.

    >>> md_escape("<b>*hi*</b> [x](y)")
    '&lt;b&gt;\\\\*hi\\\\*&lt;/b&gt; \\\\[x\\\\](y)'
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def _md_entry(entry: Entry, theme: str) -> str:
    lines = [md_escape(line) for line in entry.text.splitlines() if line.strip()]
    body = "  \n  ".join(lines)
    title = f"**{md_escape(entry.title)}:** " if entry.title else ""
    others = [t for t in entry.themes if t != theme]
    also = f" *(also: {md_escape(', '.join(others))})*" if others else ""
    service = f" — {md_escape(entry.library_service)}" if entry.library_service else ""
    return f"- {title}{body}{service}{also}"


def to_markdown(t: Takeaways) -> str:
    out = [f"# Key takeaways: {md_escape(t.meetup.title)}", "", md_escape(_intro(t)), ""]
    if not t.total:
        out += ["No takeaways have been logged for this meet-up yet.", ""]
    for kind, themes in t.groups.items():
        count = sum(len(e) for e in themes.values())
        out += [f"## {KIND_HEADINGS[kind]} ({count})", ""]
        for theme, group in themes.items():
            out += [f"### {md_escape(theme)} ({len(group)})", ""]
            out += [_md_entry(entry, theme) for entry in group]
            out.append("")
    if t.resources:
        out += ["## Resources mentioned", ""]
        out += [f"- {md_escape(name)} ({n})" for name, n in t.resources]
        out.append("")
    return "\n".join(out)


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.8rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #1d4f91; }
.theme-also, .service { color: #4a4a4a; }
li { margin-bottom: 0.5rem; white-space: pre-line; }
"""


def _html_entry(entry: Entry, theme: str) -> str:
    title = f"<strong>{html.escape(entry.title)}:</strong> " if entry.title else ""
    others = [t for t in entry.themes if t != theme]
    also = (f' <span class="theme-also">(also: {html.escape(", ".join(others))})</span>'
            if others else "")
    service = (f' <span class="service">— {html.escape(entry.library_service)}</span>'
               if entry.library_service else "")
    return f"<li>{title}{html.escape(entry.text)}{service}{also}</li>"


def to_html(t: Takeaways) -> str:
    title = html.escape(f"Key takeaways: {t.meetup.title}")
    parts = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
             "<main>", f"<h1>{title}</h1>", f"<p>{html.escape(_intro(t))}</p>"]
    if not t.total:
        parts.append("<p>No takeaways have been logged for this meet-up yet.</p>")
    for kind, themes in t.groups.items():
        count = sum(len(e) for e in themes.values())
        parts.append(f"<section><h2>{KIND_HEADINGS[kind]} ({count})</h2>")
        for theme, group in themes.items():
            parts.append(f"<h3>{html.escape(theme)} ({len(group)})</h3><ul>")
            parts += [_html_entry(entry, theme) for entry in group]
            parts.append("</ul>")
        parts.append("</section>")
    if t.resources:
        parts.append("<section><h2>Resources mentioned</h2><ul>")
        parts += [f"<li>{html.escape(name)} ({n})</li>" for name, n in t.resources]
        parts.append("</ul></section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
