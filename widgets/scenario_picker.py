"""Choose a scenario: first a topic, then a scenario within it, then what it is about.

Two short lists, each with its own visible label, read better than one long one
and say plainly how the scenarios are grouped.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from casebook.training.catalogue import Catalogue
from casebook.training.format import Scenario

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


def describe(scenario: Scenario) -> str:
    """What a scenario is about, how long it takes, and the guidance it follows (HTML)."""
    objectives = "".join(f"<li>{html.escape(o)}</li>" for o in scenario.objectives)
    sources = "".join(f"<li>{html.escape(src.title)}</li>" for src in scenario.sources)
    return (f'<div class="cb-details"><p>{html.escape(scenario.summary)}</p>'
            f"<p>About {scenario.minutes} minutes. Pass mark {scenario.pass_mark}.</p>"
            f"<h3>You will practise</h3><ul>{objectives}</ul>"
            f"<details><summary>Guidance this follows</summary><ul>{sources}</ul></details>"
            "</div>")
