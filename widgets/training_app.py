"""The training app: say who you are, pick a scenario by topic, play it, download a
certificate, and see your past attempts.

What the app is about lives in one :class:`~widgets.state.TrainingState`: the
learner's name and service, the chosen scenario, the session being played.
"""

from __future__ import annotations

import html

import ipywidgets as w

from casebook.errors import NotFound
from casebook.store import Casebook
from casebook.training.attempts import (
    Attempt,
    Session,
    get_attempt,
    list_attempts,
    resume_session,
    start_session,
    unfinished,
)
from casebook.training.catalogue import Catalogue
from casebook.training.certificate import certificate_html

from .download import download_anchor
from .fields import text_box
from .message_area import MessageArea
from .scenario_issues import ScenarioIssues
from .scenario_picker import ScenarioPicker
from .scenario_player import ScenarioPlayer
from .state import TrainingState
from .style import LABEL_FITS, STYLE, wide


class TrainingApp(w.VBox):
    def __init__(self, *, casebook: Casebook, catalogue: Catalogue):
        self.casebook = casebook
        self.catalogue = catalogue
        self.state = TrainingState(scenario=next(iter(catalogue.scenarios), None))
        self.messages = MessageArea()
        # Looking for an attempt to resume costs a query: the box (see widgets.fields)
        # sends the name once it is typed, so that runs once, not at every keystroke.
        self.learner = text_box("Your name or staff ID", style=LABEL_FITS,
                                layout=wide())
        self.service = text_box("Library service (optional)", style=LABEL_FITS,
                                layout=wide())
        self.picker = ScenarioPicker(catalogue=catalogue, state=self.state,
                                     on_change=lambda _s: self._offer_resume())
        self.start_button = w.Button(description="Start scenario", button_style="primary")
        self.resume_button = w.Button(description="Resume where you left off")
        self.history_button = w.Button(description="Show my past attempts")
        self.player = ScenarioPlayer(state=self.state, on_finish=self._finished,
                                     on_restart=self._restart)
        self.certificate = w.HTML()
        self.history = w.HTML(layout=wide())
        guard = self.messages.guard
        self.start_button.on_click(guard(lambda _b: self.start()))
        self.resume_button.on_click(guard(lambda _b: self.resume()))
        self.history_button.on_click(guard(lambda _b: self.show_history()))
        self.learner.observe(guard(self._named), names="value")
        self.service.observe(guard(self._placed), names="value")
        super().__init__(children=[
            w.HTML(STYLE),
            w.HTML("<h1>Training scenarios</h1><p>Short situations from the library help "
                   "desk. Choose what you would do and see why it matters. Your answers "
                   "are saved as you go.</p>"),
            self.learner, self.service, self.picker,
            w.HBox([self.start_button, self.resume_button]), self.messages,
            self.player, self.certificate,
            w.HTML("<h2>Your past attempts</h2>"), self.history_button, self.history,
            ScenarioIssues(issues=catalogue.issues),
        ])
        self._offer_resume()
        if not catalogue.scenarios:
            self.messages.show("No training scenarios are available. Ask the person who runs "
                               "this toolkit to check the scenario files.", kind="error")

    def _named(self, change: dict) -> None:
        self.state.learner = change["new"].strip()
        self._offer_resume()

    def _placed(self, change: dict) -> None:
        self.state.service = change["new"].strip()

    def _offer_resume(self) -> None:
        name, scenario = self.state.learner, self.state.scenario
        waiting = unfinished(self.casebook, name, scenario) if name and scenario else None
        self.resume_button.layout.display = None if waiting else "none"

    def start(self) -> Session:
        """Start the chosen scenario for the named learner (a new attempt)."""
        return self._play(self._new_session())

    def resume(self) -> Session | None:
        waiting = unfinished(self.casebook, self.state.learner, self.state.scenario)
        if waiting is None:
            self.messages.show("There is no unfinished attempt to resume.")
            return None
        return self._play(resume_session(self.casebook, waiting.id, self.catalogue))

    def _new_session(self) -> Session:
        if self.state.scenario is None:
            raise NotFound("there is no scenario to start: no scenario file could be used")
        return start_session(self.casebook, self.state.scenario, learner=self.state.learner,
                             library_service=self.state.service)

    def _play(self, session: Session) -> Session:
        self.state.session = session
        self.messages.clear()
        self.certificate.value = ""
        self.resume_button.layout.display = "none"
        self.player.feedback.value = ""
        self.player.render()
        self.player.focus_decision()
        return session

    def _restart(self) -> None:
        self.certificate.value = ""
        self.state.session = self._new_session()

    def _finished(self, session: Session) -> None:
        attempt = get_attempt(self.casebook, session.attempt_id)
        link = certificate_anchor(attempt, "Download your certificate for "
                                           f"{attempt.scenario_title}")
        self.certificate.value = f"<p>{link}</p>" if link else ""
        self.show_history()

    def show_history(self) -> list[Attempt]:
        name = self.state.learner
        if not name:
            self.history.value = "<p>Type your name or staff ID above to see your attempts.</p>"
            return []
        found = list_attempts(self.casebook, learner=name, limit=50)
        if not found:
            self.history.value = "<p>No attempts yet.</p>"
            return []
        rows = "".join(_history_row(a) for a in found)
        self.history.value = (
            '<table class="cb-table"><caption>Your attempts, newest first</caption>'
            '<thead><tr><th scope="col">Scenario</th><th scope="col">Started</th>'
            '<th scope="col">Score</th><th scope="col">Result</th>'
            '<th scope="col">Certificate</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")
        return found


def certificate_anchor(attempt: Attempt, label: str, *, detail: str = "") -> str:
    """A link that downloads the certificate of a passed attempt ("" otherwise)."""
    if not attempt.passed:
        return ""
    return download_anchor(
        label=label, content=certificate_html(attempt), hidden_detail=detail,
        filename=f"certificate-{attempt.scenario_id}-{attempt.finished_at:%Y-%m-%d}.html")


def _history_row(attempt: Attempt) -> str:
    result = ("Passed" if attempt.passed else "Not passed" if attempt.finished
              else "Not finished")
    link = certificate_anchor(attempt, "Certificate", detail=(
        f"for {attempt.scenario_title}, {attempt.started_at:%d %b %Y %H:%M}"))
    return (f"<tr><td>{html.escape(attempt.scenario_title)}</td>"
            f"<td>{attempt.started_at:%d %b %Y %H:%M}</td>"
            f"<td>{attempt.score} / {attempt.max_score}</td><td>{result}</td>"
            f"<td>{link}</td></tr>")
