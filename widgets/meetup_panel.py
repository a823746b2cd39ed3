"""Create or pick a meet-up, and see its takeaways newest first, with edit and delete.

Several facilitators log into the same meet-up at once from different rooms, so
the list refreshes itself every few seconds (only redrawing when something
changed) as well as straight after this page saves.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from datetime import date

import ipywidgets as w

from casebook.entries import Entry, delete_entry, list_entries, restore_entry
from casebook.filters import EntryFilter
from casebook.meetups import Meetup, add_meetup, get_meetup, list_meetups
from casebook.store import Casebook
from casebook.taxonomy import KIND_LABELS

from .fields import text_box
from .message_area import MessageArea

_LABELLED = {"description_width": "12rem"}
_WIDE = w.Layout(width="100%", max_width="46rem")
REFRESH_SECONDS = 3.0
SHOWN = 200


class MeetupPanel(w.VBox):
    def __init__(self, *, casebook: Casebook, on_edit: Callable[[Entry], None] | None = None,
                 on_change: Callable[[Meetup | None], None] | None = None):
        self.casebook = casebook
        self.on_edit = on_edit
        self.on_change = on_change
        self.messages = MessageArea()
        self.picker = w.Dropdown(description="Meet-up", style=_LABELLED, layout=_WIDE)
        self.new_title = text_box("New meet-up title", style=_LABELLED, layout=_WIDE)
        self.new_date = w.DatePicker(description="Date of the meet-up", value=date.today(),
                                     style=_LABELLED)
        self.new_host = text_box("Host network", style=_LABELLED, layout=_WIDE)
        self.create_button = w.Button(description="Create meet-up")
        self.summary = w.HTML()
        self.entry_list = w.VBox(layout=_WIDE)
        self.undo_button = w.Button(description="Undo delete")
        self.undo_button.layout.display = "none"
        self._last_deleted: str | None = None
        self._picked_id: str | None = None
        self._reloading = False
        self._shown: tuple | None = None  # what the list shows; None: nothing drawn yet
        self._task: asyncio.Task | None = None
        guard = self.messages.guard
        self.create_button.on_click(guard(lambda _b: self.create()))
        self.undo_button.on_click(guard(lambda _b: self.undo_delete()))
        self.picker.observe(guard(lambda _c: self._picked()), names="value")
        super().__init__(children=[
            w.HTML("<h2>Meet-up</h2>"), self.picker,
            w.HTML("<h3>Or create a new one</h3>"), self.new_title, self.new_date,
            self.new_host, self.create_button, self.messages, self.summary,
            self.undo_button, self.entry_list], layout=_WIDE)
        self.reload_meetups()

    @property
    def meetup_id(self) -> str | None:
        return self.picker.value

    def reload_meetups(self, select: str | None = None) -> bool:
        """Refresh the list of meet-ups (others may have created one); keep the choice.

        Returns whether the list changed."""
        found = list_meetups(self.casebook, limit=100)
        # No counts in the labels: they change with every takeaway, and the list should
        # only be rebuilt when a meet-up is added or renamed.
        options = [("Choose a meet-up", None)] + [
            (f"{m.title} ({m.date:%d %b %Y})", m.id) for m, _ in found]
        changed = tuple(options) != tuple(self.picker.options)
        keep = select if select is not None else self.picker.value
        if changed:
            # Replacing the options makes the picker report passing values; they are not
            # the facilitator's choice, so they must not clear the form.
            self._reloading = True
            try:
                self.picker.options = options
            finally:
                self._reloading = False
        if keep in dict(options).values() and self.picker.value != keep:
            self.picker.value = keep
        return changed

    def create(self) -> Meetup:
        meetup = add_meetup(self.casebook, title=self.new_title.value,
                            date=self.new_date.value, host_network=self.new_host.value or None)
        self.new_title.value = ""
        self.reload_meetups(select=meetup.id)
        self.messages.show(f"Meet-up created: {meetup.title}")
        return meetup

    def _picked(self) -> None:
        # Only a real change of meet-up may clear the form, or typing would be lost.
        if self._reloading or self.picker.value == self._picked_id:
            return
        self._picked_id = self.picker.value
        self._shown = None
        self.refresh()
        if self.on_change:
            self.on_change(get_meetup(self.casebook, self.meetup_id) if self.meetup_id
                          else None)

    def entries(self) -> list[Entry]:
        if self.meetup_id is None:
            return []
        return list_entries(self.casebook, EntryFilter(meetup_id=self.meetup_id), limit=SHOWN)

    def refresh(self) -> bool:
        """Redraw the list if anything changed since it was last drawn; say whether it did."""
        found = self.entries()
        signature = tuple((e.id, e.updated_at) for e in found)
        if signature == self._shown:
            return False
        self._shown = signature
        if self.meetup_id is None:
            self.summary.value = "<p>Choose or create a meet-up to log its takeaways.</p>"
            self.entry_list.children = []
            return True
        noun = "takeaway" if len(found) == 1 else "takeaways"
        self.summary.value = (f'<h3 id="cb-entries">This meet-up\'s takeaways</h3>'
                              f'<p role="status">{len(found)} {noun}, newest first.</p>')
        self.entry_list.children = [self._row(number, entry)
                                    for number, entry in enumerate(found, start=1)]
        return True

    def _row(self, number: int, entry: Entry) -> w.Widget:
        themes = ", ".join(entry.themes) or "no theme"
        who = f" · {html.escape(entry.created_by)}" if entry.created_by else ""
        title = f"<strong>{html.escape(entry.title)}</strong><br>" if entry.title else ""
        card = w.HTML(
            f'<div class="cb-entry"><p class="cb-entry-meta">{number}. '
            f"{KIND_LABELS.get(entry.kind, entry.kind)} · {html.escape(themes)}{who} · "
            f"{entry.created_at:%H:%M}</p>{title}"
            f'<p class="cb-entry-text">{html.escape(entry.text)}</p></div>',
            layout=_WIDE)
        edit = w.Button(description=f"Edit {number}",
                        tooltip=f"Edit takeaway {number}: {entry.title or entry.text[:40]}")
        remove = w.Button(description=f"Delete {number}",
                          tooltip=f"Delete takeaway {number}: {entry.title or entry.text[:40]}")
        edit.on_click(self.messages.guard(lambda _b, e=entry: self._edit(e)))
        remove.on_click(self.messages.guard(lambda _b, e=entry: self.delete(e)))
        return w.VBox([card, w.HBox([edit, remove])])

    def _edit(self, entry: Entry) -> None:
        if self.on_edit:
            self.on_edit(entry)

    def delete(self, entry: Entry) -> None:
        delete_entry(self.casebook, entry.id)
        self._last_deleted = entry.id
        self.undo_button.layout.display = None
        self.messages.show("Takeaway deleted. It is kept in the history; "
                           "use Undo delete to bring it back.")
        self.refresh()
        self.undo_button.focus()

    def undo_delete(self) -> None:
        if self._last_deleted:
            restore_entry(self.casebook, self._last_deleted)
            self._last_deleted = None
            self.undo_button.layout.display = "none"
            self.messages.show("Takeaway brought back.")
            self.refresh()

    def poll_once(self) -> None:
        """What each tick of the auto-refresh does: new meet-ups, then new takeaways."""
        self.reload_meetups()
        self.refresh()

    def start_auto_refresh(self, seconds: float = REFRESH_SECONDS) -> None:
        """Poll for others' entries on the kernel's event loop (call from a running app)."""
        async def poll() -> None:
            while True:
                await asyncio.sleep(seconds)
                self.messages.guard(self.poll_once)()

        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(poll())
