"""The training app: pick a scenario, say who you are, play it, download a
certificate, and see your past attempts."""

from __future__ import annotations

import html

import ipywidgets as w

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
from casebook.training.format import Scenario

from .download import download_anchor
from .fields import text_box
from .message_area import MessageArea
from .scenario_player import ScenarioPlayer
from .style import STYLE

_LABELLED = {"description_width": "initial"}
_WIDE = w.Layout(width="100%", max_width="46rem")


class TrainingApp(w.VBox):
    def __init__(self, *, casebook: Casebook, catalogue: Catalogue):
        self.casebook = casebook
        self.catalogue = catalogue
        self.messages = MessageArea()
        # Looking for an attempt to resume costs a query: the box (see widgets.fields)
        # sends the name once it is typed, so that runs once, not at every keystroke.
        self.learner = text_box("Your name or staff ID", style=_LABELLED, layout=_WIDE)
        self.service = text_box("Library service (optional)", style=_LABELLED,
                                layout=_WIDE)
        options = [(f"{s.topic}: {s.title} ({s.minutes} min)", s.id)
                   for s in catalogue.scenarios]
        self.scenario = w.Dropdown(options=options, description="Scenario", style=_LABELLED,
                                   layout=_WIDE, value=options[0][1] if options else None)
        self.details = w.HTML(layout=_WIDE)
        self.start_button = w.Button(description="Start scenario", button_style="primary")
        self.resume_button = w.Button(description="Resume where you left off")
        self.history_button = w.Button(description="Show my past attempts")
        self.player_area = w.VBox(layout=_WIDE)
        self.certificate = w.HTML()
        self.history = w.HTML(layout=_WIDE)
        self.player: ScenarioPlayer | None = None
        guard = self.messages.guard
        self.start_button.on_click(guard(lambda _b: self.start()))
        self.resume_button.on_click(guard(lambda _b: self.resume()))
        self.history_button.on_click(guard(lambda _b: self.show_history()))
        self.scenario.observe(guard(lambda _c: self._describe()), names="value")
        self.learner.observe(guard(lambda _c: self._offer_resume()), names="value")
        self.resume_button.layout.display = "none"
        super().__init__(children=[
            w.HTML(STYLE),
            w.HTML("<h1>Training scenarios</h1><p>Short situations from the library help "
                   "desk. Choose what you would do and see why it matters. Your answers "
                   "are saved as you go.</p>"),
            self.learner, self.service, self.scenario, self.details,
            w.HBox([self.start_button, self.resume_button]), self.messages,
            self.player_area, self.certificate,
            w.HTML("<h2>Your past attempts</h2>"), self.history_button, self.history,
        ])
        self._describe()
        if not catalogue.scenarios:
            self.messages.show("No training scenarios are available. Ask the person who runs "
                               "this toolkit to check the scenario files.", kind="error")

    @property
    def chosen(self) -> Scenario:
        return self.catalogue.get(self.scenario.value)

    def _describe(self) -> None:
        if self.scenario.value is None:
            self.details.value = ""
            return
        s = self.chosen
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in s.objectives)
        sources = "".join(f"<li>{html.escape(src.title)}</li>" for src in s.sources)
        self.details.value = (
            f'<div class="cb-details"><p>{html.escape(s.summary)}</p>'
            f"<p>About {s.minutes} minutes. Pass mark {s.pass_mark}.</p>"
            f"<h3>You will practise</h3><ul>{objectives}</ul>"
            f"<details><summary>Guidance this follows</summary><ul>{sources}</ul></details>"
            "</div>")
        self._offer_resume()

    def _offer_resume(self) -> None:
        name = self.learner.value.strip()
        waiting = (unfinished(self.casebook, name, self.chosen)
                   if name and self.scenario.value else None)
        self.resume_button.layout.display = None if waiting else "none"

    def start(self) -> ScenarioPlayer:
        """Start the chosen scenario for the named learner (a new attempt)."""
        session = start_session(self.casebook, self.chosen, learner=self.learner.value,
                                library_service=self.service.value)
        return self._play(session)

    def resume(self) -> ScenarioPlayer | None:
        waiting = unfinished(self.casebook, self.learner.value, self.chosen)
        if waiting is None:
            self.messages.show("There is no unfinished attempt to resume.")
            return None
        return self._play(resume_session(self.casebook, waiting.id, self.catalogue))

    def _play(self, session: Session) -> ScenarioPlayer:
        self.messages.clear()
        self.certificate.value = ""
        self.resume_button.layout.display = "none"
        self.player = ScenarioPlayer(session=session, on_finish=self._finished,
                                     on_restart=self._restart)
        self.player_area.children = [self.player]
        if self.player.choice_buttons:
            self.player.choice_buttons[0].focus()
        return self.player

    def _restart(self) -> Session:
        self.certificate.value = ""
        return start_session(self.casebook, self.chosen, learner=self.learner.value,
                             library_service=self.service.value)

    def _finished(self, session: Session) -> None:
        attempt = get_attempt(self.casebook, session.attempt_id)
        link = certificate_anchor(attempt, "Download your certificate for "
                                           f"{attempt.scenario_title}")
        self.certificate.value = f"<p>{link}</p>" if link else ""
        self.show_history()

    def show_history(self) -> list[Attempt]:
        name = self.learner.value.strip()
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
