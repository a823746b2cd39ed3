"""Rules about what a scenario says, on top of the checker's rules about its shape.

A trainer must be able to stand behind every scenario, so the checker also
insists that:

- every source is public guidance: an ``https`` address on one of the sites in
  ``guidance_sites.yaml`` (or a library's own list: ``--guidance-sites FILE`` or
  the ``CASEBOOK_GUIDANCE_SITES`` environment variable), never a bank, shop,
  newspaper or copy of a page on someone else's site;
- the month its facts were last checked (``reviewed``) is not in the future, and
  a warning says when it is more than a year ago: guidance changes;
- its texts and choice labels are plain English (see :mod:`.readability`):
  no text harder than grade 8 and an average of at most grade 6.5 (a reading age
  of about 11), and no label too long to take in at a glance.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from urllib.parse import urlsplit

import yaml

from ..errors import CasebookError
from .format import Issue, Scenario
from .readability import grade, words_in

SHIPPED_SITES = Path(__file__).with_name("guidance_sites.yaml")
SITES_ENVIRONMENT = "CASEBOOK_GUIDANCE_SITES"

# A reading age is roughly the Flesch-Kincaid grade plus 5; we aim at 9 to 11. One
# text may reach grade 8: names of services ("Universal Credit", "identity") add
# syllables that no plain rewording removes.
MAX_GRADE_ONE_TEXT = 8.0
MAX_GRADE_AVERAGE = 6.5
MIN_WORDS_TO_MEASURE = 12  # the grades of shorter texts swing too much to mean anything
MAX_LABEL_WORDS = 25       # a choice is read beside two others, under time pressure
REVIEW_DUE_MONTHS = 12


@dataclass(frozen=True)
class GuidanceSites:
    """The sites a source may be on: each site (a host name) and who runs it."""

    sites: dict[str, str]
    origin: str  # the file they came from, to name in messages

    def allows(self, url: str) -> bool:
        return self.site_of(url) is not None

    def site_of(self, url: str) -> str | None:
        """The listed site ``url`` is on (the most specific one), or None."""
        host = (urlsplit(url).hostname or "").lower()
        matching = [site for site in self.sites if host == site or host.endswith("." + site)]
        return max(matching, key=len) if matching else None

    def organisation(self, url: str) -> str:
        """Who runs the site ``url`` is on, as a reader would name them. A part of a
        listed site with a name of its own (a council under gov.uk, a police force
        under police.uk) is named by its host, never as the whole site's owner."""
        host = (urlsplit(url).hostname or url).lower()
        site = self.site_of(url)
        if site and host in (site, "www." + site):
            return self.sites[site]
        return host.removeprefix("www.")


def read_guidance_sites(path: Path | str | None = None) -> GuidanceSites:
    """The list of guidance sites: from ``path``, else the environment, else shipped."""
    path = Path(path or os.environ.get(SITES_ENVIRONMENT) or SHIPPED_SITES)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CasebookError(f"cannot read the list of guidance sites {path}: {error}") from None
    sites = data.get("sites") if isinstance(data, dict) else None
    if not isinstance(sites, dict) or not sites or not all(
            isinstance(k, str) and k.strip() and "/" not in k for k in sites):
        raise CasebookError(f"{path} is not a list of guidance sites: expected 'sites:' "
                            "with one site name per line, such as 'gov.uk: GOV.UK'")
    return GuidanceSites({k.strip().lower(): str(v) for k, v in sites.items()}, str(path))


def check_content(scenario: Scenario, sites: GuidanceSites,
                  today: datetime.date | None = None) -> list[Issue]:
    """Every problem with what the scenario says and cites (the shape is checked apart)."""
    found: list[Issue] = []

    def issue(line: int, message: str, severity: str = "error") -> None:
        found.append(Issue(scenario.path, line, message, severity))

    for source in scenario.sources:
        if source.url.startswith("https://") and not sites.allows(source.url):
            issue(source.line or 1, f"source {source.url!r} is not on a public guidance "
                                    "site: cite the organisation's own page (the sites "
                                    f"allowed are in {sites.origin})")
    if scenario.reviewed:
        age = _months_since(scenario.reviewed, today or datetime.date.today())
        if age < 0:
            issue(1, f"reviewed {scenario.reviewed} is in the future: give the month the "
                     "facts were checked")
        elif age > REVIEW_DUE_MONTHS:
            issue(1, f"reviewed {scenario.reviewed}, {age} months ago: check the facts "
                     "against each source again and update 'reviewed'", "warning")
    found += _readability(scenario)
    return found


def _months_since(month: str, today: datetime.date) -> int:
    year, number = map(int, month.split("-"))
    return (today.year - year) * 12 + today.month - number


def _readability(scenario: Scenario) -> list[Issue]:
    found = []
    measured = []
    for line, where, text in _texts(scenario):
        if len(words_in(text)) < MIN_WORDS_TO_MEASURE:
            continue
        measured.append(grade(text))
        if measured[-1] > MAX_GRADE_ONE_TEXT:
            found.append(Issue(scenario.path, line, f"{where} is hard to read (grade "
                               f"{measured[-1]:.1f}, above {MAX_GRADE_ONE_TEXT:g}): use shorter "
                               "sentences and everyday words"))
    for node in scenario.nodes.values():
        for choice in node.choices:
            if len(words_in(choice.label)) > MAX_LABEL_WORDS:
                found.append(Issue(scenario.path, choice.line, f"the choice {choice.label!r} "
                                   f"has more than {MAX_LABEL_WORDS} words: say it shorter"))
    if measured and mean(measured) > MAX_GRADE_AVERAGE:
        found.append(Issue(scenario.path, 1, f"the texts are hard to read on average (grade "
                           f"{mean(measured):.1f}, above {MAX_GRADE_AVERAGE:g}): use shorter "
                           "sentences and everyday words"))
    return found


def _texts(scenario: Scenario) -> Iterator[tuple[int, str, str]]:
    """Every text a learner reads: (line, what it is, the text)."""
    yield 1, "the summary", scenario.summary
    for node in scenario.nodes.values():
        yield node.line, f"the text of node {node.id!r}", node.text
        for choice in node.choices:
            yield choice.line, f"the choice {choice.label!r}", choice.label
            yield choice.line, f"the feedback for {choice.label!r}", choice.feedback
            if choice.red_line:
                yield choice.line, f"the red line of {choice.label!r}", choice.red_line
        if node.ending:
            yield node.line, f"the ending {node.id!r}", node.ending.text
