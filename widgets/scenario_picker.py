"""Choose a scenario: first a topic, then a scenario within it, then what it is about
and how passing works.

Two short lists, each with its own visible label, read better than one long one
and say plainly how the scenarios are grouped. Once a scenario is chosen, the learner
reads before the first decision how passing works and, where the scenario asks how
sure they are, how the marks for that work.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

import ipywidgets as w

from casebook.training.catalogue import Catalogue
from casebook.training.checker import best_score
from casebook.training.debrief import marks_table, pass_rule
from casebook.training.format import Scenario

from .debrief_view import guidance_links
from .fields import show_options
from .message_area import MessageArea
from .state import TrainingState
from .style import LABEL_FITS, wide


def _count(scenarios: list[Scenario]) -> str:
    return f"{len(scenarios)} scenario{'' if len(scenarios) == 1 else 's'}"


class ScenarioPicker(w.VBox):
    """Shows ``state.scenario`` and its topic; ``on_change`` when the learner picks another."""

    def __init__(self, *, catalogue: Catalogue, state: TrainingState,
                 on_change: Callable[[Scenario], None] | None = None):
        self.catalogue = catalogue
        self.state = state
        self.on_change = on_change
        self.messages = MessageArea()
        self.topics = catalogue.by_topic()
        self.topic = w.Dropdown(description="Topic", style=LABEL_FITS,
                                layout=wide(), value=None)
        self.scenario = w.Dropdown(description="Scenario", style=LABEL_FITS,
                                   layout=wide(), value=None)
        self.details = w.HTML(layout=wide())
        guard = self.messages.guard
        self.topic.observe(guard(self._topic_picked), names="value")
        self.scenario.observe(guard(self._scenario_picked), names="value")
        super().__init__(children=[self.topic, self.scenario, self.details, self.messages],
                         layout=wide())
        self.render()

    def render(self) -> None:
        chosen = self.state.scenario
        if chosen is None:  # no scenario to offer: the app says so, the lists would not
            self.layout.display = "none"
            return
        self.layout.display = None
        # Each picker reports only None or the state's own value here: see show_options.
        show_options(self.topic, [(f"{name} ({_count(found)})", name)
                                  for name, found in self.topics.items()], chosen.topic)
        show_options(self.scenario, [(f"{s.title} ({s.minutes} min)", s.id)
                                     for s in self.topics[chosen.topic]], chosen.id)
        self.details.value = describe(chosen)

    def _topic_picked(self, change: dict) -> None:
        # A value equal to the state's is the picker being redrawn, not a choice.
        topic = change["new"]
        if topic is None or (self.state.scenario and topic == self.state.scenario.topic):
            return
        self._changed(self.topics[topic][0])

    def _scenario_picked(self, change: dict) -> None:
        chosen = change["new"]
        if chosen is None or (self.state.scenario and chosen == self.state.scenario.id):
            return
        self._changed(self.catalogue.get(chosen))

    def _changed(self, scenario: Scenario) -> None:
        self.state.scenario = scenario
        self.render()
        if self.on_change:
            self.on_change(scenario)


def _marks(value: int) -> str:
    if value > 0:
        return f"gain {value} mark{'' if value == 1 else 's'}"
    if value < 0:
        return f"lose {-value} marks"
    return "no marks lost"


def marks_html() -> str:
    """The certainty marks, in plain words, before the first decision."""
    rows = "".join(f'<tr><th scope="row">{html.escape(level)}</th><td>{_marks(right)}</td>'
                   f"<td>{_marks(wrong)}</td></tr>" for level, right, wrong in marks_table())
    return ('<div class="cb-marks"><h3>Saying how sure you are</h3>'
            "<p>At every decision, first say how sure you are. Being honest about doubt "
            "is never punished: saying \u201cnot sure\u201d never loses marks, and being very "
            "sure pays only when you are right.</p>"
            '<table class="cb-table"><caption>Marks for how sure you are</caption>'
            '<thead><tr><th scope="col">How sure you say you are</th>'
            '<th scope="col">If you pick the best choice</th>'
            '<th scope="col">If you pick another choice</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            "<p>These marks are shown apart from your result: they never change whether "
            "you pass.</p></div>")


def describe(scenario: Scenario) -> str:
    """What a scenario is about, how long it takes, how passing works, how certainty is
    marked (where asked), and the guidance it follows (HTML)."""
    objectives = "".join(f"<li>{html.escape(o)}</li>" for o in scenario.objectives)
    rule = pass_rule(scenario.pass_mark, best_score(scenario) or 0)
    marks = marks_html() if scenario.certainty else ""
    nations = (f'<p class="cb-nations"><strong>Where this applies:</strong> '
               f"{html.escape(scenario.nations)}</p>" if scenario.nations else "")
    return (f'<div class="cb-details"><p>{html.escape(scenario.summary)}</p>{nations}'
            f"<p>About {scenario.minutes} minutes.</p>"
            f"<h3>You will practise</h3><ul>{objectives}</ul>"
            f'<h3>How to pass</h3><p class="cb-pass-rule">{html.escape(rule)}</p>{marks}'
            "<details><summary>Guidance this follows</summary>"
            f"{guidance_links(scenario)}{_reviewed(scenario)}</details></div>")


def _reviewed(scenario: Scenario) -> str:
    """When the facts were last checked against those pages: guidance changes."""
    if not scenario.reviewed:
        return ""
    month = datetime.datetime.strptime(scenario.reviewed, "%Y-%m").strftime("%B %Y")
    return f'<p class="cb-reviewed">Facts checked against these pages in {month}.</p>'
