"""Turns a meet-up write-up (Markdown or plain text) into draft casebook entries.

Facilitators write notes in many ways: Markdown or plain headings, bold
labels, bullets of any symbol, numbered lists, nested bullets, wrapped lines.
The parser reads the document as a sequence of headings, items and paragraphs;
each item (and each paragraph under a story-like heading) becomes one draft.
The kind comes from the item's label if that says one ("Successful
approaches: ..."), else from its section heading ("Key challenges"), else it
is a ``note`` flagged for review. Nothing is dropped.

>>> notes = parse_notes("# Spring meet-up\\n24/03/2025\\n## Barriers\\n- Capacity: too few staff")
>>> notes.title, notes.date.isoformat(), notes.drafts[0].kind, notes.drafts[0].themes
('Spring meet-up', '2025-03-24', 'challenge', ['Capacity'])
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from ..resources import recognise_resources
from ..taxonomy import THEMES

# Words in a heading or label that say what kind of takeaway follows. Order
# matters only for ties: the earliest word in the heading wins.
KIND_CUES: dict[str, tuple[str, ...]] = {
    "challenge": ("challenge", "issue", "barrier", "problem", "getting in the way", "difficult",
                  "concern", "obstacle", "struggle", "frustrat", "risk", "gap"),
    "outcome": ("outcome", "impact", "result", "achievement", "difference made", "benefit"),
    "approach": ("what worked", "what works", "working well", "works well", "strateg",
                 "approach", "tip", "good practice", "best practice", "idea", "solution",
                 "successful", "recommendation", "lesson", "how we"),
    "resource": ("resource", "link", "useful", "tool", "further reading", "signpost",
                 "website", "product", "service"),
    "success_story": ("story", "stories", "case stud", "spotlight", "success"),
    "enquiry": ("enquir", "inquir", "question", "asked about", "common request"),
}
# Themes found from words in the label or text, beyond the theme names themselves.
THEME_CUES: dict[str, tuple[str, ...]] = {
    "Capacity": ("capacity", "staff time", "limited time", "funding", "understaff"),
    "Capability and confidence": ("confidence", "staff training", "more training", "knowledge"),
    "Expectations": ("expectation",),
    "Security": ("wi-fi security", "wifi security", "open wi-fi", "open wifi", "password",
                 "secure", "security"),
    "Booking systems": ("booking", "appointment"),
    "Communication": ("communicat", "jargon"),
    "Scams and fraud": ("scam", "fraud", "phishing"),
    "Devices and data": ("device", "tablet", "laptop", "sim card", "data sim", "databank",
                         "loan"),
    "Accessibility": ("accessib", "screen reader", "large print", "hearing loss",
                      "hard of hearing", "deaf", "sight loss", "visually impaired", "dyslexi"),
    "Health": ("nhs", " gp ", "health", "prescription"),
    "Benefits and money": ("universal credit", "benefit", "social tariff", "pension", "money"),
    "Jobs and skills": ("job", " cv", "employ", "career"),
    "Promotion": ("promot", "word of mouth", "poster", "advertis", "publicity"),
    "Partnerships": ("partner",),
}
STORY_HEADING = re.compile(r"stor(y|ies)|case stud|spotlight", re.IGNORECASE)

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•●◦▪–·]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+(?P<text>.+)$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?\s*$")
_BOLD_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_]{1,80}?)(?:\*\*|__)\s*[:\-–—]?\s*(?P<rest>.*)$")
_PLAIN_LABEL = re.compile(r"^(?P<label>[^:.!?]{1,60}?)\s*:\s+(?P<rest>\S.*)$")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_DATE_LABEL = re.compile(r"^\s*(?:date|held on|when)\s*[:\-]\s*", re.IGNORECASE)


@dataclass
class Draft:
    """One takeaway read from the notes, not yet saved."""

    kind: str
    text: str
    title: str | None = None
    themes: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    section: str | None = None
    line: int = 0
    needs_review: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    def entry_fields(self) -> dict:
        """The fields :func:`casebook.entries.add_entry` takes."""
        return {"kind": self.kind, "text": self.text, "title": self.title,
                "themes": self.themes, "status": "draft"}


@dataclass
class Notes:
    title: str | None
    date: date | None
    drafts: list[Draft]


def parse_date(text: str) -> date | None:
    """A full date in one of the ways people write one, or None.

    >>> parse_date("Monday 24th March 2025"), parse_date("2025-03-24"), parse_date("March 2025")
    (datetime.date(2025, 3, 24), datetime.date(2025, 3, 24), None)
    """
    text = _DATE_LABEL.sub("", text.strip()).strip().rstrip(".")
    text = re.sub(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", "", text, flags=re.I)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        year += 2000 if year < 100 else 0
        return _safe_date(year, month, day)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return _safe_date(*(int(g) for g in iso.groups()))
    for pattern in ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%B %d %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clean_inline(text: str) -> str:
    """Markdown emphasis and links reduced to their words."""
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)]+)\)", r"\1 (\2)", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](\S.*?\S|\S)[*_](?![\w*])", r"\1", text)
    return text.strip()


def kinds_in(words: str | None) -> list[str]:
    """The kinds a heading or label points to, earliest cue first."""
    if not words:
        return []
    lowered = words.lower()
    first_seen: dict[str, int] = {}
    for kind, cues in KIND_CUES.items():
        positions = [at for cue in cues if (at := lowered.find(cue)) >= 0]
        if positions:
            first_seen[kind] = min(positions)
    return sorted(first_seen, key=first_seen.get)


def kind_from(words: str | None) -> str | None:
    """The kind a heading or label points to, by the earliest cue in it."""
    kinds = kinds_in(words)
    return kinds[0] if kinds else None


def themes_from(label: str | None, text: str) -> list[str]:
    """Themes named by the label (exactly) or suggested by words in the label and text."""
    found = set()
    if label:
        for theme in THEMES:
            if label.strip().lower() == theme.lower():
                found.add(theme)
    haystack = f" {(label or '').lower()} {text.lower()} "
    for theme, cues in THEME_CUES.items():
        if any(cue in haystack for cue in cues):
            found.add(theme)
    return [theme for theme in THEMES if theme in found]


def _split_label(text: str) -> tuple[str | None, str]:
    """``("Capacity", "Libraries face ...")`` from "Capacity: Libraries face ..."; text cleaned."""
    bold = _BOLD_LABEL.match(text)
    if bold and bold.group("label").strip():
        return bold.group("label").strip().rstrip(":"), _clean_inline(bold.group("rest"))
    text = _clean_inline(text)
    if text.endswith(":") and len(text.split()) <= 6:
        return text.rstrip(":").strip(), ""  # a label heading the items nested under it
    plain = _PLAIN_LABEL.match(text)
    # A label is short: "Capacity: ..." yes, "We told her: ..." is still a label
    # in shape, so long or sentence-like fronts are kept as text.
    if plain and len(plain.group("label").split()) <= 6 and not re.search(
            r"https?$", plain.group("label")):
        return plain.group("label").strip(), plain.group("rest").strip()
    return None, text


@dataclass
class _Item:
    indent: int
    line: int
    text: str
    children: list[_Item] = field(default_factory=list)


def _is_heading(line: str, next_line: str | None) -> str | None:
    md = _MD_HEADING.match(line)
    if md:
        return _clean_inline(md.group("text")).rstrip(":")
    bold = _BOLD_LINE.match(line)
    if bold:
        return bold.group("text").strip().rstrip(":")
    stripped = line.strip()
    if next_line is not None and _UNDERLINE.match(next_line) and stripped:
        return stripped.rstrip(":")
    words = stripped.split()
    if not words or len(words) > 10 or stripped[-1] in ".!?,;" or _BULLET.match(line):
        return None
    if stripped.endswith(":") or kind_from(stripped):
        return stripped.rstrip(":")
    return None


def parse_notes(document: str, *, title: str | None = None,
                when: date | None = None) -> Notes:
    """Read a write-up into a title, a date and drafts. Given title or date win."""
    lines = document.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found_title: str | None = None
    found_date: date | None = None
    section: str | None = None
    seen_section = False
    drafts: list[Draft] = []
    items: list[_Item] = []
    paragraph: list[tuple[int, str]] = []

    def flush_paragraph() -> None:
        if paragraph:
            text = " ".join(t for _, t in paragraph)
            drafts.append(_paragraph_draft(text, section, paragraph[0][0]))
            paragraph.clear()

    def flush_items() -> None:
        for item in items:
            drafts.extend(_item_drafts(item, section))
        items.clear()

    index = 0
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        index += 1
        if not raw.strip():
            flush_paragraph()
            continue
        if _UNDERLINE.match(raw) and not _BULLET.match(raw):
            continue
        if not seen_section and found_date is None and parse_date(_clean_inline(raw)):
            found_date = parse_date(_clean_inline(raw))
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            flush_paragraph()
            indent = len(bullet.group("indent").expandtabs(4))
            # Kept raw until its label is split off: "**Label** - text" needs the bold.
            item = _Item(indent, number, bullet.group("text").strip())
            parent = _parent_for(items, indent)
            (parent.children if parent else items).append(item)
            continue
        heading = _is_heading(raw, next_line)
        if heading and found_title is None and not seen_section and not drafts and \
                not items and kind_from(heading) is None and _MD_HEADING.match(raw) is not None:
            found_title = heading
            continue
        if heading and (kind_from(heading) or _MD_HEADING.match(raw) or _BOLD_LINE.match(raw)
                        or seen_section):
            flush_paragraph()
            flush_items()
            section, seen_section = heading, True
            continue
        if found_title is None and not seen_section and not drafts and not paragraph \
                and not items and len(raw.strip()) <= 200 and raw.strip()[-1] not in ".!?":
            found_title = _clean_inline(raw.strip())
            continue
        if items and raw.startswith((" ", "\t")):
            _last_item(items).text += " " + raw.strip()  # a wrapped bullet line
            continue
        flush_items()
        paragraph.append((number, _clean_inline(raw)))
    flush_paragraph()
    flush_items()
    return Notes(title or found_title, when or found_date, drafts)


def _parent_for(items: list[_Item], indent: int) -> _Item | None:
    parent = None
    level = items
    while level and level[-1].indent < indent:
        parent = level[-1]
        level = parent.children
    return parent


def _last_item(items: list[_Item]) -> _Item:
    item = items[-1]
    while item.children:
        item = item.children[-1]
    return item


def _item_drafts(item: _Item, section: str | None,
                 inherited_label: str | None = None) -> list[Draft]:
    label, rest = _split_label(item.text)
    if label and not rest and item.children:
        # "- Useful links:" with the links below it: each child is its own takeaway.
        drafts = []
        for child in item.children:
            drafts.extend(_item_drafts(child, section, label))
        return drafts
    text = rest or item.text
    for child in item.children:
        text += "\n- " + _flatten(child)
    return [_draft(text, label or None, section, item.line, inherited_label)]


def _flatten(item: _Item) -> str:
    return "; ".join([_clean_inline(item.text), *(_flatten(c) for c in item.children)])


def _draft(text: str, label: str | None, section: str | None, line: int,
           inherited_label: str | None = None) -> Draft:
    kind = kind_from(label) or kind_from(inherited_label)
    # "Positive outcomes and strategies": the heading alone cannot say which.
    unsure = kind is None and len(kinds_in(section)) != 1
    kind = kind or kind_from(section)
    return Draft(
        kind=kind or "note",
        text=text,
        title=label[:200] if label else None,
        themes=themes_from(label or inherited_label, text),
        resources=recognise_resources(label, text),
        section=section,
        line=line,
        needs_review=unsure,
    )


def _paragraph_draft(text: str, section: str | None, line: int) -> Draft:
    if section and STORY_HEADING.search(section):
        return Draft(kind="success_story", text=text, themes=themes_from(None, text),
                     resources=recognise_resources(text), section=section, line=line)
    draft = _draft(text, None, section, line)
    # Prose outside a story section is context more often than a takeaway.
    draft.needs_review = True
    return draft
