"""Every text box in the apps sends its value once typed, never keystroke by keystroke:
a button's click could otherwise reach the kernel before the end of the text
(see widgets/fields.py)."""

from __future__ import annotations

import ipywidgets as w

from casebook.training.catalogue import load_catalogue
from widgets.dashboard_app import DashboardApp
from widgets.fields import live_text_boxes, text_area, text_box
from widgets.meetup_app import MeetupApp
from widgets.training_app import TrainingApp


def test_the_boxes_send_their_value_once_typed():
    assert text_box("Name").continuous_update is False
    assert text_area("Notes").continuous_update is False


def test_the_check_finds_a_live_box_however_deep():
    live = w.Text(description="Keystroke by keystroke")
    assert live_text_boxes(w.VBox([w.HBox([w.Label("x"), live]), text_box("Fine")])) == [live]


def test_no_app_has_a_live_text_box(casebook):
    apps = [TrainingApp(casebook=casebook, catalogue=load_catalogue()),
            MeetupApp(casebook=casebook), DashboardApp(casebook=casebook)]
    boxes = [box for app in apps for box in live_text_boxes(app)]
    assert boxes == []
    # and there are text boxes to check, so the walk reaches them
    assert sum(isinstance(x, (w.Text, w.Textarea)) for x in _every_widget(apps)) >= 8


def _every_widget(roots):
    todo = list(roots)
    while todo:
        widget = todo.pop()
        yield widget
        todo.extend(getattr(widget, "children", ()))
