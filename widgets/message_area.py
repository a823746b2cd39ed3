"""A visible place for messages, and a guard that puts any callback's error there.

ipywidgets swallows exceptions raised in callbacks (they go to a log nobody
sees in Voilà), so every callback in these apps is wrapped: bad input shows its
message; anything unexpected shows a plain apology, and the details go to the
server log rather than to the user.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable

import ipywidgets as w

from casebook.errors import CasebookError, ValidationError

log = logging.getLogger("casebook.widgets")


class MessageArea(w.HTML):
    """One line (or a short list) of status or error text, announced to screen readers."""

    def __init__(self, **kwargs):
        super().__init__(value="", **kwargs)
        self.add_class("cb-message")

    def show(self, text: str, *, kind: str = "info") -> None:
        role = "alert" if kind == "error" else "status"
        self.value = (f'<div class="cb-message-{kind}" role="{role}">'
                      f"{html.escape(text)}</div>")

    def show_problems(self, error: ValidationError) -> None:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in error.problems)
        self.value = (f'<div class="cb-message-error" role="alert"><p>Please check:</p>'
                      f"<ul>{items}</ul></div>")

    def clear(self) -> None:
        self.value = ""

    def guard(self, callback: Callable) -> Callable:
        """Wrap a callback so no error it raises can vanish."""

        @functools.wraps(callback)
        def guarded(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except ValidationError as exc:
                self.show_problems(exc)
            except CasebookError as exc:
                self.show(str(exc), kind="error")
            except Exception:
                log.exception("unexpected error in %s", callback.__name__)
                self.show("Sorry, something went wrong. Your work so far is saved; "
                          "please try again or tell a member of staff.", kind="error")
            return None

        return guarded
