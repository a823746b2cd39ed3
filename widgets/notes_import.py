"""Paste or upload a meet-up write-up, check the drafts it makes (kind and themes
editable), then save them all at once into the current meet-up."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from casebook.entries import Entry, add_entries
from casebook.exchange.writeup_parser import Draft, parse_notes
from casebook.redaction import redact
from casebook.store import Casebook
from casebook.taxonomy import KIND_LABELS, KINDS, THEMES

from .fields import text_area
from .message_area import MessageArea
from .state import MeetupState
from .style import LABELLED, wide


class NotesImport(w.VBox):
    """Drafts from notes, saved into ``state.meetup``; ``on_saved`` gets the entries."""

    def __init__(self, *, casebook: Casebook, state: MeetupState,
                 on_saved: Callable[[list[Entry]], None] | None = None):
        self.casebook = casebook
        self.state = state
        self.on_saved = on_saved
        self.messages = MessageArea()
        self.pasted = text_area("Paste notes here", style=LABELLED,
                                layout=wide(height="10rem"))
        self.upload = w.FileUpload(accept=".txt,.md,.markdown,text/plain,text/markdown",
                                   multiple=False, description="Or upload a notes file")
        self.preview_button = w.Button(description="Preview drafts")
        self.save_button = w.Button(description="Save all drafts", button_style="primary")
        self.save_button.layout.display = "none"
        self.drafts_box = w.VBox(layout=wide())
        self.drafts: list[Draft] = []
        self.kind_pickers: list[w.Dropdown] = []
        self.theme_pickers: list[w.SelectMultiple] = []
        guard = self.messages.guard
        self.preview_button.on_click(guard(lambda _b: self.preview()))
        self.save_button.on_click(guard(lambda _b: self.save()))
        self.upload.observe(guard(lambda _c: self._uploaded()), names="value")
        super().__init__(children=[
            w.HTML("<h2>Import written-up notes</h2><p>Each bullet, numbered item or story "
                   "becomes a draft takeaway. Check the kinds and themes, then save.</p>"),
            self.pasted, self.upload, self.preview_button, self.messages, self.drafts_box,
            self.save_button], layout=wide())

    def _uploaded(self) -> None:
        files = self.upload.value
        if files:
            content = bytes(files[0].content)
            try:
                self.pasted.value = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.messages.show("That file is not plain text (UTF-8). Save it as .txt or "
                                   ".md and try again.", kind="error")
                return
            self.preview()

    def preview(self) -> list[Draft]:
        if self.state.meetup is None:
            self.messages.show("Choose or create a meet-up first.", kind="error")
            return []
        notes = parse_notes(self.pasted.value)
        self.drafts = notes.drafts
        if not self.drafts:
            self.messages.show("No takeaways found: paste notes with bullets, numbered items "
                               "or paragraphs.", kind="error")
            self.drafts_box.children = []
            self.save_button.layout.display = "none"
            return []
        rows: list[w.Widget] = [w.HTML(f"<h3>{len(self.drafts)} drafts</h3>")]
        self.kind_pickers, self.theme_pickers = [], []
        for number, draft in enumerate(self.drafts, start=1):
            kind = w.Dropdown(options=[(KIND_LABELS[k], k) for k in KINDS], value=draft.kind,
                              description=f"Kind of draft {number}", style=LABELLED)
            themes = w.SelectMultiple(options=THEMES, value=tuple(draft.themes), rows=4,
                                      description=f"Themes of draft {number}",
                                      style=LABELLED, layout=wide())
            self.kind_pickers.append(kind)
            self.theme_pickers.append(themes)
            review = (' <strong class="cb-review">Please check the kind.</strong>'
                      if draft.needs_review else "")
            label = f"<strong>{html.escape(draft.title)}:</strong> " if draft.title else ""
            shown = redact(draft.text).text  # shown as it will be stored
            rows += [w.HTML(f'<div class="cb-draft"><p>{number}.{review}</p>'
                            f"<p>{label}{html.escape(shown)}</p></div>"), kind, themes]
        self.drafts_box.children = rows
        self.save_button.description = f"Save all {len(self.drafts)} drafts"
        self.save_button.layout.display = None
        self.messages.show(f"{len(self.drafts)} drafts ready. Personal data is removed when "
                           "they are saved.")
        return self.drafts

    def save(self) -> list[Entry]:
        """Store every draft, as edited, in one go: all of them or, on a problem, none."""
        meetup = self.state.meetup_id
        if meetup is None or not self.drafts:
            self.messages.show("Preview the drafts first.", kind="error")
            return []
        items = [{**d.entry_fields(), "kind": k.value, "themes": list(t.value),
                  "meetup_id": meetup}
                 for d, k, t in zip(self.drafts, self.kind_pickers, self.theme_pickers,
                                    strict=True)]
        saved = add_entries(self.casebook, items)
        self.messages.show(f"Saved {len(saved)} draft takeaways.")
        self.drafts, self.kind_pickers, self.theme_pickers = [], [], []
        self.drafts_box.children = []
        self.pasted.value = ""
        self.save_button.layout.display = "none"
        if self.on_saved:
            self.on_saved(saved)
        return saved
