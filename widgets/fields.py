"""Fields that behave as the apps need: text boxes that send their value to the
kernel once it is typed, never half-typed; and dropdowns whose options can be
replaced without reporting a value nobody chose (see :func:`show_options`).

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


def show_options(picker: w.Dropdown, options: list[tuple[str, object]], value: object) -> None:
    """Give ``picker`` these options (if they differ) and select ``value`` among them.

    Replacing a Dropdown's options selects the first one, a value nobody chose,
    unless nothing is selected: then ipywidgets leaves it so. So the selection is
    emptied first, and the picker reports only ``None`` (which no handler here takes
    for a choice) and then ``value`` (which equals the app's state, so a handler
    comparing with the state does nothing): no flag is needed to tell them apart.
    """
    if tuple(options) != tuple(picker.options):
        picker.index = None
        picker.options = options
    if picker.value != value:
        picker.value = value
