"""What each app is about, kept apart from the widgets that show it.

One plain object per app. Its components render from it, and their callbacks
update it and then render again, so what the app is doing can be read (and
tested) in one place, whatever the widgets happen to show. It holds plain values
and casebook objects only, never a widget.

>>> state = MeetupState()
>>> state.meetup_id is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.entries import Entry
from casebook.filters import EntryFilter
from casebook.meetups import Meetup
from casebook.training.attempts import Session
from casebook.training.format import Scenario


@dataclass
class MeetupState:
    """The meet-up app: where takeaways go, which one is being edited, what Undo restores."""

    meetup: Meetup | None = None
    editing: Entry | None = None
    last_deleted: Entry | None = None

    @property
    def meetup_id(self) -> str | None:
        return self.meetup.id if self.meetup else None


@dataclass
class TrainingState:
    """The training app: who is playing, which scenario, and the attempt under way."""

    learner: str = ""
    service: str = ""
    scenario: Scenario | None = None
    session: Session | None = None


@dataclass
class DashboardState:
    """The dashboard: the filter every view, search and download follows."""

    filter: EntryFilter = field(default_factory=EntryFilter)
