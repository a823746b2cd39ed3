"""Plays the scenario of ``state.session``: node text, choices as labelled buttons,
feedback after each choice (its verdict told by word, icon and colour), words
explained where they first appear, and an ending with the result and a debrief.

Every choice is saved (through the session) before the page changes. If the save
fails, nothing changes on screen but a message: the same text, the same choices,
the certainty still marked, and no feedback for a choice that was not recorded,
so the learner can simply try again. At each decision keyboard focus moves to the
certainty question (where asked) or else to the first choice; at the end, to the
result's heading, so a screen-reader user hears the result first.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable

import ipywidgets as w
import mistune

from casebook.errors import NotSaved
from casebook.training.attempts import Session
from casebook.training.debrief import verdict_of
from casebook.training.format import CERTAINTY
from casebook.training.play import Play, Step

from .debrief_view import debrief_html, red_line_notice, result_html, verdict_heading
from .glossary_notes import glossary_html, new_terms
from .message_area import MessageArea, log
from .state import TrainingState
from .style import LABEL_FITS, choice, wide

# Scenario text is written by trainers, but escaping any HTML in it costs nothing.
_markdown = mistune.create_markdown(escape=True)
OUTCOME_WORDS = {"good": "A good outcome", "mixed": "A mixed outcome", "poor": "A poor outcome"}
CERTAINTY_RADIO = ".cb-certainty input[type=radio]"
RESULT_HEADING = ".cb-result-heading"


class FocusMover(w.HTML):
    """Moves keyboard focus to an element of the page by CSS selector.

    ipywidgets can focus a button or a text box, but ``RadioButtons.focus()`` focuses a
    <label> (which cannot take focus) and an HTML widget cannot be focused at all. An
    image that fails to load runs its ``onerror`` when this widget's value changes; it
    waits (up to 2 s) for the element to be drawn, then focuses it. The selector is
    ours, never scenario text.
    """

    _count = itertools.count()

    def __init__(self):
        super().__init__(value="")
        self.add_class("cb-visually-hidden")
        self.target = ""

    def move_to(self, selector: str) -> None:
        self.target = selector
        script = ("(function f(n){var e=document.querySelector('" + selector + "');"
                  "if(e&&e.offsetParent!==null){e.focus();}"
                  "else if(n>0){setTimeout(function(){f(n-1);},50);}})(40)")
        self.value = (f'<img alt="" src="data:," data-n="{next(self._count)}" '
                      f'onerror="{html.escape(script, quote=True)}">')


class ScenarioPlayer(w.VBox):
    """The player for ``state.session`` (empty while there is none).

    ``on_finish`` is called once the ending is reached; ``on_restart`` ("Play
    again") must put a new session in the state, which the player then shows.
    """

    def __init__(self, *, state: TrainingState,
                 on_finish: Callable[[Session], None] | None = None,
                 on_restart: Callable[[], None] | None = None):
        self.state = state
        self.on_finish = on_finish
        self.on_restart = on_restart
        self.messages = MessageArea()
        self.title = w.HTML()
        self.progress = w.HTML()
        self.feedback = w.HTML(layout=wide())
        self.text = w.HTML(layout=wide())
        self.glossary = w.HTML(layout=wide())
        self.certainty_hint = w.HTML("<p>First say how sure you are, then choose what you "
                                     "would do.</p>")
        self.certainty = w.RadioButtons(options=list(CERTAINTY), value=None,
                                        description="How sure are you?",
                                        style=LABEL_FITS)
        self.certainty.add_class("cb-certainty")
        self.choices = w.VBox(layout=wide())
        self.choice_buttons: list[w.Button] = []
        self.result = w.HTML(layout=wide())
        self.debrief = w.HTML(layout=wide())
        self.focus_mover = FocusMover()
        self.back_button = w.Button(description="Go back a step")
        self.back_button.on_click(self.messages.guard(self._back))
        self.restart_button = w.Button(description="Play again", button_style="primary")
        self.restart_button.on_click(self.messages.guard(self._restart))
        super().__init__(layout=wide())
        self.add_class("cb-player")
        self.render()

    @property
    def session(self) -> Session | None:
        return self.state.session

    @property
    def play(self) -> Play | None:
        return self.session.play if self.session else None

    def render(self) -> None:
        """Show where the session is: the current node, or the ending."""
        play = self.play
        self.messages.clear()
        if play is None:
            self.feedback.value = ""
            self.choice_buttons = []
            self.children = []
            return
        scenario = play.scenario
        self.title.value = f"<h2>{html.escape(scenario.title)}</h2>"
        if play.finished:
            self._render_ending(play)
            return
        self.progress.value = (f'<p class="cb-progress">Decision {play.choices_made + 1} · '
                               f"points so far {play.points} · pass mark {scenario.pass_mark}"
                               "</p>")
        self.text.value = f'<div class="cb-node">{_markdown(play.node.text)}</div>'
        self.glossary.value = glossary_html(new_terms(play))
        self.certainty.value = None
        self.choice_buttons = []
        for index, offered in play.offered():
            button = w.Button(description=offered.label, layout=choice())
            button.add_class("cb-choice")
            button.on_click(self.messages.guard(lambda _b, i=index: self.choose(i)))
            self.choice_buttons.append(button)
        self.choices.children = self.choice_buttons
        heading = w.HTML("<h3>What do you do?</h3>")
        parts = [self.title, self.progress, self.feedback, self.text, self.glossary]
        if scenario.certainty:  # asked at every decision
            parts += [self.certainty_hint, self.certainty]
        parts += [heading, self.choices, self.messages]
        if play.can_go_back():
            parts.append(self.back_button)
        self.children = [*parts, self.focus_mover]

    def focus_decision(self) -> None:
        """Keyboard focus to the start of the decision: how sure, else the first choice."""
        if self.play is None or self.play.finished:
            return
        if self.play.scenario.certainty:
            self.focus_mover.move_to(CERTAINTY_RADIO)
        elif self.choice_buttons:
            self.choice_buttons[0].focus()

    def _render_ending(self, play: Play) -> None:
        ending = play.ending
        # The engine decides the result (points and red lines); the ending only tells
        # the story.
        self.progress.value = ""
        self.text.value = (
            f'<div class="cb-ending"><h3>{html.escape(ending.title)}</h3>'
            f"{_markdown(ending.text)}"
            f"<p><strong>{OUTCOME_WORDS.get(ending.outcome, ending.outcome)}.</strong></p>"
            "</div>")
        self.result.value = result_html(play)
        self.debrief.value = debrief_html(play)
        self.choice_buttons = []
        self.choices.children = []
        # The result first: focus moves to its heading, so it is what is heard first. The
        # last choice's feedback is in the debrief, beside the others: shown here too, a
        # green "Best choice" box under "Not passed" would read as a contradiction.
        self.children = [self.title, self.result, self.text, self.debrief, self.messages,
                         self.restart_button, self.focus_mover]

    def choose(self, index: int) -> Step | None:
        """Take a choice (as numbered in the scenario file), save it and show what follows.

        Returns None, with the screen as it was, if the choice could not be saved."""
        play = self.play
        certainty = self.certainty.value if play.scenario.certainty else None
        try:
            step = self.session.choose(index, certainty)
        except NotSaved as exc:
            # The session has not moved on, so neither does the screen.
            log.warning("a training step was not saved", exc_info=exc.__cause__)
            self.messages.show(str(exc), kind="error")
            return None
        self._show_feedback(step)
        self.render()
        if self.play.finished:
            if self.on_finish:
                self.on_finish(self.session)
            self.focus_mover.move_to(RESULT_HEADING)
        else:
            self.focus_decision()
        return step

    def _show_feedback(self, step: Step) -> None:
        choice_made = self.play.scenario.node(step.node_id).choices[step.choice_index]
        verdict = verdict_of(choice_made, bool(step.best))
        sure = f" You were {html.escape(step.certainty)}." if step.certainty else ""
        sign = "+" if step.points > 0 else ""
        red_line = red_line_notice(step.red_line) if step.red_line else ""
        self.feedback.value = (
            f'<div class="cb-feedback cb-verdict cb-verdict-{verdict}" role="status">'
            f"{verdict_heading(verdict)}{red_line}"
            f"<p><strong>You chose:</strong> {html.escape(step.label)}.{sure}</p>"
            f"<p>{html.escape(step.feedback)}</p>"
            f"<p>Points for this choice: {sign}{step.points}.</p></div>")

    def _back(self, _button=None) -> None:
        try:
            self.session.back()
        except NotSaved as exc:
            log.warning("a step back was not saved", exc_info=exc.__cause__)
            self.messages.show("Going back was not saved, so the scenario has not moved. "
                               "Please try again in a moment.", kind="error")
            return
        self.feedback.value = '<p role="status">You went back a step.</p>'
        self.render()
        self.focus_decision()

    def _restart(self, _button=None) -> None:
        if self.on_restart is None:
            return
        self.on_restart()
        self.feedback.value = ""
        self.render()
        self.focus_decision()
