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

from .fields import show_options, text_box
from .message_area import MessageArea
from .state import MeetupState
from .style import LABELLED, wide

REFRESH_SECONDS = 3.0
SHOWN = 200


def _label(meetup: Meetup) -> str:
    # No counts in the labels: they change with every takeaway, and the list should
    # only be rebuilt when a meet-up is added or renamed.
    return f"{meetup.title} ({meetup.date:%d %b %Y})"


class MeetupPanel(w.VBox):
    """Shows ``state.meetup`` and its takeaways; ``on_change`` when another meet-up is
    picked or created, ``on_edit`` when a takeaway's Edit button is pressed."""

    def __init__(self, *, casebook: Casebook, state: MeetupState,
                 on_change: Callable[[Meetup], None] | None = None,
                 on_edit: Callable[[Entry], None] | None = None):
        self.casebook = casebook
        self.state = state
        self.on_change = on_change
        self.on_edit = on_edit
        self.messages = MessageArea()
        self.picker = w.Dropdown(description="Meet-up", style=LABELLED, layout=wide(),
                                 value=None)
        self.new_title = text_box("New meet-up title", style=LABELLED, layout=wide())
        self.new_date = w.DatePicker(description="Date of the meet-up", value=date.today(),
                                     style=LABELLED)
        self.new_host = text_box("Host network", style=LABELLED, layout=wide())
        self.create_button = w.Button(description="Create meet-up")
        self.summary = w.HTML()
        self.entry_list = w.VBox(layout=wide())
        self.undo_button = w.Button(description="Undo delete")
        self._shown: tuple | None = None  # what the list shows; None: nothing drawn yet
        self._task: asyncio.Task | None = None
        guard = self.messages.guard
        self.create_button.on_click(guard(lambda _b: self.create()))
        self.undo_button.on_click(guard(lambda _b: self.undo_delete()))
        self.picker.observe(guard(self._picked), names="value")
        super().__init__(children=[
            w.HTML("<h2>Meet-up</h2>"), self.picker,
            w.HTML("<h3>Or create a new one</h3>"), self.new_title, self.new_date,
            self.new_host, self.create_button, self.messages, self.summary,
            self.undo_button, self.entry_list], layout=wide())
        self.render()

    @property
    def meetup_id(self) -> str | None:
        return self.state.meetup_id

    def render(self) -> None:
        """Show the state: the meet-up picked, Undo if there is a deletion, the list."""
        self.reload_meetups()
        self.undo_button.layout.display = None if self.state.last_deleted else "none"
        self.refresh()

    def reload_meetups(self) -> bool:
        """Refresh the list of meet-ups (others may have created one), showing the state's.

        Returns whether the list changed."""
        meetups = [m for m, _ in list_meetups(self.casebook, limit=100)]
        current = self.state.meetup
        if current is not None and current.id not in {m.id for m in meetups}:
            meetups.append(current)  # older than the 100 listed: still the one in use
        options = [(_label(m), m.id) for m in meetups]
        changed = tuple(options) != tuple(self.picker.options)
        show_options(self.picker, options, self.state.meetup_id)
        return changed

    def _picked(self, change: dict) -> None:
        # Only a facilitator's choice of another meet-up changes anything (and clears
        # the form). The picker also reports None while its options are replaced, and
        # the state's own meet-up when it is redrawn from the state: neither is a choice.
        chosen = change["new"]
        if chosen is None or chosen == self.state.meetup_id:
            return
        self._changed(get_meetup(self.casebook, chosen))

    def _changed(self, meetup: Meetup) -> None:
        self.state.meetup = meetup
        self.render()
        if self.on_change:
            self.on_change(meetup)

    def create(self) -> Meetup:
        meetup = add_meetup(self.casebook, title=self.new_title.value,
                            date=self.new_date.value, host_network=self.new_host.value or None)
        self.new_title.value = ""
        self._changed(meetup)
        self.messages.show(f"Meet-up created: {meetup.title}")
        return meetup

    def entries(self) -> list[Entry]:
        if self.meetup_id is None:
            return []
        return list_entries(self.casebook, EntryFilter(meetup_id=self.meetup_id), limit=SHOWN)

    def refresh(self) -> bool:
        """Redraw the list if anything changed since it was last drawn; say whether it did."""
        found = self.entries()
        signature = (self.meetup_id, tuple((e.id, e.updated_at) for e in found))
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
            layout=wide())
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
        self.state.last_deleted = entry
        self.render()
        self.messages.show("Takeaway deleted. It is kept in the history; "
                           "use Undo delete to bring it back.")
        self.undo_button.focus()

    def undo_delete(self) -> None:
        if self.state.last_deleted:
            restore_entry(self.casebook, self.state.last_deleted.id)
            self.state.last_deleted = None
            self.render()
            self.messages.show("Takeaway brought back.")

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
