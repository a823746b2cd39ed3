"""A printable certificate of completion for a passed scenario: one HTML page,
no external files, laid out for A4 and readable on screen."""

from __future__ import annotations

import html

from ..errors import Problem, ValidationError
from .attempts import Attempt

_STYLE = """
@page { size: A4 landscape; margin: 15mm; }
body { font-family: Georgia, 'Times New Roman', serif; color: #1b1b1b; background: #fff;
       margin: 0; }
main { border: 6px double #1d4f91; padding: 3rem 4rem; margin: 2rem auto; max-width: 60rem;
       text-align: center; }
h1 { font-size: 2.4rem; margin: 0 0 1.5rem; color: #1d4f91; }
.name { font-size: 2rem; font-weight: bold; margin: 1rem 0; }
.scenario { font-size: 1.5rem; font-style: italic; margin: 1rem 0 2rem; }
dl { display: inline-grid; grid-template-columns: auto auto; gap: 0.3rem 1.5rem;
     text-align: left; }
dt { font-weight: bold; }
.reference { margin-top: 2rem; font-size: 0.85rem; color: #4a4a4a; }
@media print { main { margin: 0 auto; } }
"""


def certificate_html(attempt: Attempt) -> str:
    """The certificate page for a passed attempt (refused for any other)."""
    if not attempt.finished or not attempt.passed:
        raise ValidationError([Problem("attempt", "not_passed",
                                       "a certificate is given only for a passed scenario")])
    name = html.escape(attempt.learner)
    scenario = html.escape(attempt.scenario_title)
    when = f"{attempt.finished_at:%-d %B %Y}"
    service = (f"<dt>Library service</dt><dd>{html.escape(attempt.library_service)}</dd>"
               if attempt.library_service else "")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
        f"<title>Certificate: {scenario} ({name})</title>", f"<style>{_STYLE}</style>",
        "</head>", "<body>", "<main>",
        "<h1>Certificate of completion</h1>",
        "<p>This is to certify that</p>", f'<p class="name">{name}</p>',
        "<p>has completed the digital-inclusion training scenario</p>",
        f'<p class="scenario">{scenario}</p>',
        "<dl>",
        f"<dt>Date</dt><dd>{when}</dd>",
        f"<dt>Score</dt><dd>{attempt.score} out of {attempt.max_score} "
        f"(pass mark {attempt.pass_mark})</dd>",
        service,
        "</dl>",
        f'<p class="reference">Certificate reference {html.escape(attempt.id)}, '
        f"scenario version {attempt.scenario_version}</p>",
        "</main>", "</body>", "</html>", ""])
