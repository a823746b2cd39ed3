"""No two widgets share one Layout: a Layout is a widget of its own, so hiding one
widget through a shared Layout would hide every widget holding it (see widgets/style.py)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import ipywidgets as w

from casebook.training.catalogue import load_catalogue
from widgets.dashboard_app import DashboardApp
from widgets.meetup_app import MeetupApp
from widgets.style import choice, wide
from widgets.training_app import TrainingApp

EXAMPLES = Path(__file__).parent / "data" / "scenarios"


def every_widget(root: w.Widget) -> list[w.Widget]:
    found, todo = [], [root]
    while todo:
        widget = todo.pop()
        found.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return found


def shared_layouts(root: w.Widget) -> list[list[str]]:
    """For each Layout held by more than one widget, a description of those widgets."""
    holders: dict[int, list[str]] = defaultdict(list)
    for widget in every_widget(root):
        layout = getattr(widget, "layout", None)
        if layout is not None:
            holders[id(layout)].append(
                f"{type(widget).__name__}({getattr(widget, 'description', '')!r})")
    return [names for names in holders.values() if len(names) > 1]


def test_the_check_finds_a_shared_layout():
    together = w.Layout(width="100%")
    root = w.VBox([w.Button(description="One", layout=together),
                   w.HBox([w.Button(description="Two", layout=together)])])
    (shared,) = shared_layouts(root)
    assert sorted(shared) == ["Button('One')", "Button('Two')"]
    assert shared_layouts(w.VBox([w.Button(layout=wide()), w.Button(layout=wide())])) == []


def test_each_call_makes_a_new_layout():
    assert wide() is not wide() and choice() is not choice()
    assert wide(height="8rem").height == "8rem" and wide().max_width == "46rem"


def test_the_meetup_app_shares_no_layout(casebook):
    app = MeetupApp(casebook=casebook)
    app.panel.new_title.value = "Layouts meet-up"
    app.panel.create_button.click()
    for text in ("First takeaway", "Second takeaway"):  # rows drawn for each entry
        app.form.text.value = text
        app.form.save_button.click()
    app.notes.pasted.value = "## Barriers\n- Capacity: too few staff\n- Volunteers: hard\n"
    app.notes.preview_button.click()  # and a row for each draft
    assert len(app.panel.entry_list.children) == 2 and len(app.notes.kind_pickers) == 2
    assert shared_layouts(app) == []


def test_the_training_app_shares_no_layout(casebook, tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    app = TrainingApp(casebook=casebook, catalogue=load_catalogue([EXAMPLES, tmp_path]))
    assert shared_layouts(app) == []
    app.learner.value = "Layla"
    app.picker.topic.value = "Open Wi-Fi safety"
    app.picker.scenario.value = "test-example"
    app.start_button.click()  # the player, with a button per choice
    assert len(app.player.choice_buttons) == 3
    assert shared_layouts(app) == []
    app.player.certainty.value = "very sure"
    app.player.choice_buttons[0].click()
    assert shared_layouts(app) == []


def test_the_dashboard_shares_no_layout(casebook):
    assert shared_layouts(DashboardApp(casebook=casebook)) == []
