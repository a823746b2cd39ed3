"""The debrief at the end of a scenario, and the look of a verdict that the player's
feedback shares with it.

A verdict (best, partly right, wrong, red line) is told by a heading with a word,
an icon and a colour, never by colour alone: each colour has at least 4.5:1 contrast
with its background (WCAG AA), and the icon is hidden from screen readers because
the word already says it. All scenario text is escaped.

>>> "Red line crossed" in verdict_heading("red_line")
True
"""

from __future__ import annotations

import html

import mistune

from casebook.training.debrief import (
    BEST,
    PARTLY,
    RED_LINE,
    WRONG,
    calibration,
    debrief,
    result_sentence,
)
from casebook.training.format import Scenario
from casebook.training.play import Play

_markdown = mistune.create_markdown(escape=True)

# verdict: (heading word, icon)
VERDICTS = {
    BEST: ("Best choice", "✓"),
    PARTLY: ("Partly right", "~"),
    WRONG: ("Not the best choice", "✗"),
    RED_LINE: ("Red line crossed", "!"),
}
RESULT_HEADING = "Your result"


def verdict_heading(verdict: str, *, level: int = 3, detail: str = "") -> str:
    """The verdict's heading: icon (hidden from screen readers) and word."""
    word, icon = VERDICTS[verdict]
    extra = f": {html.escape(detail)}" if detail else ""
    return (f'<h{level} class="cb-verdict-heading"><span class="cb-verdict-icon" '
            f'aria-hidden="true">{icon}</span> {word}{extra}</h{level}>')


def red_line_notice(red_line: str) -> str:
    """What a red line means for this attempt, said at once and plainly."""
    return (f'<p class="cb-red-line"><strong>The line you crossed:</strong> '
            f"{html.escape(red_line)}</p>"
            "<p><strong>This attempt cannot pass now</strong>, whatever your points. "
            "The story goes on, so you can see what happens next.</p>")


def guidance_links(scenario: Scenario) -> str:
    """The scenario's sources as real links (only web addresses become links)."""
    items = []
    for source in scenario.sources:
        title = html.escape(source.title)
        if source.url.startswith(("https://", "http://")):
            items.append(f'<li><a href="{html.escape(source.url, quote=True)}" '
                         f'target="_blank" rel="noopener">{title}'
                         '<span class="cb-visually-hidden"> (opens in a new tab)</span>'
                         "</a></li>")
        else:
            items.append(f"<li>{title}</li>")
    return f'<ul class="cb-guidance">{"".join(items)}</ul>' if items else ""


def result_html(play: Play) -> str:
    """The pass decision: a heading that keyboard focus moves to, and the result."""
    sentence = result_sentence(points=play.points, pass_mark=play.scenario.pass_mark,
                               max_points=play.max_score, red_lines=len(play.red_lines))
    kind = "pass" if play.passed else "fail"
    icon = "✓" if play.passed else "✗"
    again = "" if play.passed else " Play again to see what works better."
    return (f'<div class="cb-result cb-result-{kind}">'
            f'<h3 tabindex="-1" class="cb-result-heading">{RESULT_HEADING}</h3>'
            f'<p><span class="cb-verdict-icon" aria-hidden="true">{icon}</span> '
            f"<strong>{html.escape(sentence)}</strong>{again}</p></div>")


def certainty_html(play: Play) -> str:
    """The certainty score and calibration, apart from the pass decision ("" if not asked)."""
    if play.certainty_score is None:
        return ""
    sentences = "".join(f"<li>{html.escape(s)}</li>" for s in calibration(play))
    return ('<div class="cb-certainty-result"><h3>How sure you were</h3>'
            f"<p>Your certainty marks: <strong>{play.certainty_score}</strong>. They show how "
            "well you know what you know, and never change whether you pass.</p>"
            f"<ul>{sentences}</ul></div>")


def decisions_html(play: Play) -> str:
    """Each decision: what was chosen and its verdict, the best choice and why, and the
    guidance behind it."""
    links = guidance_links(play.scenario)
    items = []
    decisions = debrief(play)
    for item in decisions:
        sure = (f" You were {html.escape(item.certainty)}." if item.certainty else "")
        red = (f'<p class="cb-red-line"><strong>The line crossed:</strong> '
               f"{html.escape(item.red_line)}</p>" if item.red_line else "")
        if item.verdict == BEST:
            better = "<p>This was the best choice.</p>"
        else:
            better = "".join(
                f"<p><strong>The best choice:</strong> {html.escape(c.label)}</p>"
                f"<p><strong>Why:</strong> {html.escape(c.feedback)}</p>" for c in item.best)
        guidance = (f"<p>The guidance behind it:</p>{links}" if links else "")
        items.append(
            f'<li class="cb-decision"><h4>Decision {item.number} of {len(decisions)}</h4>'
            f'<div class="cb-situation">{_markdown(item.situation)}</div>'
            f'<div class="cb-verdict cb-verdict-{item.verdict}">'
            f"{verdict_heading(item.verdict, level=5)}"
            f"<p><strong>You chose:</strong> {html.escape(item.chosen)}.{sure}</p>"
            f"<p>{html.escape(item.chosen_feedback)}</p>{red}</div>"
            f"{better}{guidance}</li>")
    return ('<div class="cb-debrief"><h3>Decision by decision</h3>'
            f'<ol class="cb-decisions">{"".join(items)}</ol></div>')


def debrief_html(play: Play) -> str:
    """Everything after the result: certainty (where asked), then every decision."""
    return certainty_html(play) + decisions_html(play)
