"""Which scenario files were left out of the list, and why, for the trainer.

A file with a problem is never offered to learners, but it must not vanish
without a word either: the trainer who wrote it needs to know. So the foot of
the training app has a closed disclosure, headed for trainers, naming each file,
the line and the reason; a learner sees one quiet line and need not open it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import PurePath

import ipywidgets as w

from casebook.training.format import Issue


def left_out_html(issues: Sequence[Issue]) -> str:
    """The disclosure as HTML ("" when every file was taken). All text is escaped."""
    if not issues:
        return ""
    by_file: dict[str, list[Issue]] = {}
    for issue in issues:
        by_file.setdefault(issue.path, []).append(issue)
    files = len(by_file)
    heading = (f"For trainers: {files} scenario file{' was' if files == 1 else 's were'} "
               "left out")
    items = "".join(
        f"<li><strong>{html.escape(PurePath(path).name)}</strong><ul>"
        + "".join(f"<li>line {issue.line}: {html.escape(issue.message)}</li>"
                  for issue in sorted(found, key=lambda issue: issue.line))
        + "</ul></li>" for path, found in by_file.items())
    return (f'<details class="cb-trainers"><summary>{html.escape(heading)}</summary>'
            "<p>Learners do not see these files. Fix each problem below, then reload the "
            "page; <code>casebook scenarios check FILE</code> checks a file on its own.</p>"
            f"<ul>{items}</ul></details>")


class ScenarioIssues(w.HTML):
    """The disclosure for the catalogue's ``issues`` (the problems of the files left out)."""

    # Everyone sees it for now, closed. Once sign-in and roles exist (DESIGN.md,
    # Access), show it to trainers only.
    def __init__(self, *, issues: Sequence[Issue]):
        super().__init__(value=left_out_html(issues))
