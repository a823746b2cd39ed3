"""The meet-up capture app: pick a meet-up, log takeaways (typed or imported from
notes), and download its key-takeaways report.

What the app is about lives in one :class:`~widgets.state.MeetupState`: the
meet-up, the takeaway being edited, the last deletion. Each part renders from it.
"""

from __future__ import annotations

import ipywidgets as w

from casebook.entries import Entry
from casebook.exchange.report import render
from casebook.meetups import Meetup
from casebook.store import Casebook

from .download import download_anchor
from .entry_form import EntryForm
from .meetup_panel import MeetupPanel
from .message_area import MessageArea
from .notes_import import NotesImport
from .state import MeetupState
from .style import STYLE


class MeetupApp(w.VBox):
    def __init__(self, *, casebook: Casebook, auto_refresh: bool = False):
        self.casebook = casebook
        self.state = MeetupState()
        self.messages = MessageArea()
        self.form = EntryForm(casebook=casebook, state=self.state, on_saved=self._saved)
        self.notes = NotesImport(casebook=casebook, state=self.state,
                                 on_saved=lambda _entries: self._saved(None))
        self.panel = MeetupPanel(casebook=casebook, state=self.state, on_edit=self.form.edit,
                                 on_change=self._meetup_changed)
        self.report_button = w.Button(description="Prepare the key takeaways report")
        self.report_links = w.HTML()
        self.report_button.on_click(self.messages.guard(lambda _b: self.prepare_report()))
        super().__init__(children=[
            w.HTML(STYLE),
            w.HTML("<h1>Meet-up capture</h1><p>Log what your breakout room found: what is "
                   "getting in the way, what has worked, resources, and stories. Personal "
                   "data is removed before anything is stored.</p>"),
            self.panel, self.form, self.notes,
            w.HTML("<h2>Key takeaways report</h2>"), self.report_button, self.report_links,
            self.messages])
        if auto_refresh:
            self.panel.start_auto_refresh()

    def _saved(self, _entry: Entry | None) -> None:
        self.panel.render()

    def _meetup_changed(self, _meetup: Meetup) -> None:
        self.report_links.value = ""
        self.form.clear()

    def prepare_report(self) -> str:
        meetup_id = self.state.meetup_id
        if meetup_id is None:
            self.messages.show("Choose a meet-up first.", kind="error")
            return ""
        links = [download_anchor(label=f"Download the report ({label})",
                                 filename=f"key-takeaways.{ext}",
                                 content=render(self.casebook, meetup_id, ext), mime=mime)
                 for label, ext, mime in (("web page", "html", "text/html"),
                                          ("Markdown", "md", "text/markdown"))]
        self.report_links.value = "<ul>" + "".join(f"<li>{a}</li>" for a in links) + "</ul>"
        return self.report_links.value
