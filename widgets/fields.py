"""Text boxes that send their value to the kernel once it is typed, never half-typed.

ipywidgets' default sends a box's value at every keystroke, and the browser holds
back a box's later keystrokes until the kernel has answered the earlier ones; but
it sends a button's click at once. On a busy server the click can overtake the
text, and the kernel acts on a half-typed value ("M" for "My first meet-up", seen
in a browser test). These boxes send their value when the user leaves the box or
presses Enter, which always happens before a click on any button reaches the
kernel, in order, on the same connection.
"""

from __future__ import annotations

import ipywidgets as w


def text_box(description: str, **options) -> w.Text:
    return w.Text(description=description, continuous_update=False, **options)


def text_area(description: str, **options) -> w.Textarea:
    return w.Textarea(description=description, continuous_update=False, **options)


def live_text_boxes(root: w.Widget) -> list[w.Widget]:
    """Text boxes under ``root`` that still send every keystroke (the tests want none)."""
    found, todo = [], [root]
    while todo:
        widget = todo.pop()
        if isinstance(widget, (w.Text, w.Textarea)) and widget.continuous_update:
            found.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return found
