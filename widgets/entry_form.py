"""The form a facilitator fills in for one takeaway, used to add or to edit an entry.

Validation messages appear under the field they concern. Saving is one action
in two steps only when needed: if redaction would remove something, the form
first shows exactly what and asks to confirm. A failed save keeps everything
typed and says why; the form is cleared only once the entry is stored.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from casebook.entries import Entry, add_entry, update_entry
from casebook.errors import ValidationError
from casebook.redaction import find_personal_data
from casebook.store import Casebook
from casebook.taxonomy import KIND_LABELS, KINDS, OFFERS, SKILLS, THEMES

from .fields import text_area, text_box
from .message_area import MessageArea
from .state import MeetupState
from .style import LABELLED, wide

# Which form field shows the message for which entry field.
_FIELD_OF = {"kind": "kind", "text": "text", "title": "title", "themes": "themes",
             "offers": "offers", "skills": "skills", "library_service": "service",
             "created_by": "author", "meetup_id": "text"}


def highlight_personal_data(text: str) -> str:
    """HTML of ``text`` with each piece of personal data marked and named."""
    out, last = [], 0
    for finding in find_personal_data(text):
        out.append(html.escape(text[last:finding.start]))
        out.append(f'<mark>{html.escape(text[finding.start:finding.end])}</mark>'
                   f' <strong>→ {html.escape(finding.placeholder)}</strong>')
        last = finding.end
    out.append(html.escape(text[last:]))
    return "".join(out)


class EntryForm(w.VBox):
    """Add a takeaway to ``state.meetup``, or change ``state.editing`` (see :meth:`edit`)."""

    def __init__(self, *, casebook: Casebook, state: MeetupState,
                 on_saved: Callable[[Entry], None] | None = None):
        self.casebook = casebook
        self.state = state
        self.on_saved = on_saved
        self.messages = MessageArea()
        self.kind = w.Dropdown(options=[(KIND_LABELS[k], k) for k in KINDS], value="challenge",
                               description="Kind of takeaway", style=LABELLED)
        self.themes = w.SelectMultiple(options=THEMES, rows=6, description="Themes",
                                       style=LABELLED, layout=wide())
        self.title = text_box("Title (optional)", style=LABELLED, layout=wide())
        self.text = text_area("What was said", style=LABELLED, layout=wide(height="8rem"))
        self.service = text_box("Library service", style=LABELLED, layout=wide())
        self.offers = w.SelectMultiple(options=OFFERS, rows=4, style=LABELLED,
                                       description="Universal Offers", layout=wide())
        self.skills = w.SelectMultiple(options=SKILLS, rows=6, style=LABELLED,
                                       description="Digital skills", layout=wide())
        self.author = text_box("Your name", style=LABELLED, layout=wide())
        self.field_messages = {name: w.HTML() for name in
                               ("kind", "themes", "title", "text", "service", "offers",
                                "skills", "author")}
        self.preview = w.HTML(layout=wide())
        self.save_button = w.Button(description="Save takeaway", button_style="primary")
        self.confirm_button = w.Button(description="Confirm and save")
        self.change_button = w.Button(description="Go back and change it")
        self.cancel_button = w.Button(description="Cancel editing")
        guard = self.messages.guard
        self.save_button.on_click(guard(lambda _b: self.save()))
        self.confirm_button.on_click(guard(lambda _b: self.save(confirmed=True)))
        self.change_button.on_click(guard(lambda _b: self._hide_preview()))
        self.cancel_button.on_click(guard(lambda _b: self.clear()))
        self.heading = w.HTML("<h2>Add a takeaway</h2>")
        # Takeaways are shared across the network: what was learned, never who it was about.
        self.privacy_hint = w.HTML(
            '<p class="cb-hint"><strong>Write what was learned, not who it was about.</strong> '
            "Leave out customers' names, phone numbers, addresses and anything else that "
            "could identify them. Before saving, you will see anything that looks like "
            "personal data; it is removed before the takeaway is stored.</p>",
            layout=wide())
        self.confirm_row = w.HBox([self.confirm_button, self.change_button])
        self.confirm_row.layout.display = "none"
        rows = []
        for name in ("kind", "themes", "title", "text", "service", "offers", "skills",
                     "author"):
            rows += [getattr(self, name), self.field_messages[name]]
        super().__init__(children=[self.heading, self.privacy_hint, *rows, self.preview,
                                   w.HBox([self.save_button, self.cancel_button]),
                                   self.confirm_row, self.messages], layout=wide())
        self._render_mode()

    def values(self) -> dict:
        return {"kind": self.kind.value, "themes": list(self.themes.value),
                "title": self.title.value or None, "text": self.text.value,
                "library_service": self.service.value or None,
                "offers": list(self.offers.value), "skills": list(self.skills.value),
                "created_by": self.author.value or None, "meetup_id": self.state.meetup_id}

    def _show_field_problems(self, error: ValidationError) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in error.problems:
            by_field.setdefault(_FIELD_OF.get(problem.field, "text"), []).append(
                f"{problem.message}")
        for name, widget in self.field_messages.items():
            found = by_field.get(name)
            label = getattr(self, name).description
            widget.value = ("" if not found else
                            f'<p class="cb-message-error" role="alert">{html.escape(label)}: '
                            f"{html.escape('; '.join(found))}</p>")

    def _hide_preview(self) -> None:
        self.preview.value = ""
        self.confirm_row.layout.display = "none"
        self.save_button.layout.display = None
        self.text.focus()

    def save(self, *, confirmed: bool = False) -> Entry | None:
        """Save what is typed; first show what redaction will remove, unless confirmed."""
        data = self.values()
        self.messages.clear()
        editing = self.state.editing
        if self.state.meetup is None and editing is None:
            self.messages.show("Choose or create a meet-up first.", kind="error")
            return None
        found = [f for part in (data["title"] or "", data["text"]) for f in
                 find_personal_data(part)]
        if found and not confirmed:
            shown = highlight_personal_data(data["text"])
            if data["title"]:
                shown = highlight_personal_data(data["title"]) + "<br>" + shown
            self.preview.value = (
                '<div class="cb-message-info" role="status"><p><strong>Personal data will be '
                f"removed before saving ({len(found)} found):</strong></p><p>{shown}</p>"
                "<p>Confirm to save with these replaced, or go back and change it.</p></div>")
            self.confirm_row.layout.display = None
            self.save_button.layout.display = "none"
            self.confirm_button.focus()
            return None
        try:
            if editing is not None:
                changes = {k: v for k, v in data.items() if k != "meetup_id"}
                entry = update_entry(self.casebook, editing.id, changes,
                                     actor=data["created_by"])
            else:
                entry = add_entry(self.casebook, data, actor=data["created_by"])
        except ValidationError as exc:
            self._hide_preview()
            self._show_field_problems(exc)
            self.messages.show("Not saved yet: please check the fields marked above.",
                               kind="error")
            return None
        what = "Changes saved" if editing is not None else "Takeaway saved"
        self.clear()
        self.messages.show(f"{what}: {entry.title or entry.text[:60]}")
        if self.on_saved:
            self.on_saved(entry)
        return entry

    def edit(self, entry: Entry) -> None:
        """Load an entry into the form; saving then records a change to it."""
        self.state.editing = entry
        self.kind.value = entry.kind
        self.themes.value = entry.themes
        self.title.value = entry.title or ""
        self.text.value = entry.text
        self.service.value = entry.library_service or ""
        self.offers.value = entry.offers
        self.skills.value = entry.skills
        self.author.value = entry.created_by or ""
        self._render_mode()
        self.kind.focus()

    def clear(self) -> None:
        """Empty the form for the next takeaway (who is typing, and where from, stay)."""
        self.state.editing = None
        self.themes.value = ()
        self.title.value = ""
        self.text.value = ""
        self.offers.value = ()
        self.skills.value = ()
        for widget in self.field_messages.values():
            widget.value = ""
        self._render_mode()
        self._hide_preview()

    def _render_mode(self) -> None:
        """Heading and buttons for adding a takeaway, or for changing ``state.editing``."""
        editing = self.state.editing is not None
        self.heading.value = f"<h2>{'Edit' if editing else 'Add'} a takeaway</h2>"
        self.save_button.description = "Save changes" if editing else "Save takeaway"
        self.cancel_button.layout.display = None if editing else "none"
