"""Synthetic but plausible casebook data, for demos, tests and benchmarks.

Everything made here is marked ``is_demo`` so no report mistakes it for real
evidence. Library services get invented place names (no real council is
quoted as saying anything), spread over the UK's nations and English regions.
Entries span five years; a few themes rise or fall over time so the
dashboards have trends to show.

Rows go in by the batch with their keys reserved up front, which is what makes
a million entries take minutes: one transaction per batch, not per entry.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, text

from .entries import created_changes, entry_row, label_rows
from .errors import Problem, ValidationError
from .meetups import meetup_row
from .resources import recognise_resources
from .store import Casebook
from .store.schema import entries, entry_labels, entry_revisions, meetups
from .taxonomy import OFFERS, SKILLS, THEMES

BATCH = 5_000
MAX_ENTRIES = 5_000_000
DEMO_ACTOR = "demo generator"

REGIONS = (
    "North East", "North West", "Yorkshire and the Humber", "East Midlands",
    "West Midlands", "East of England", "London", "South East", "South West",
    "Wales", "Scotland", "Northern Ireland",
)
_PLACE_START = ("Ash", "Bram", "Cold", "Dun", "Elm", "Fern", "Glen", "Hart", "Kings", "Lark",
                "Mill", "North", "Oak", "Pen", "Red", "Stan", "Thorn", "West", "Wolds", "Yew")
_PLACE_END = ("bridge", "by", "combe", "field", "ford", "ham", "hurst", "ley", "mere", "mouth",
              "stead", "ton", "wick", "worth")

KIND_WEIGHTS = {"challenge": 26, "approach": 20, "outcome": 14, "resource": 16,
                "success_story": 8, "enquiry": 12, "note": 4}

# What people say at meet-ups, by theme: openings, then details to finish them.
SAYINGS = {
    "Capacity": ("Staff time for one-to-one help is stretched", "Drop-in sessions are full"),
    "Capability and confidence": ("Newer staff are unsure how to help with apps",
                                  "Volunteers want more training before helping alone"),
    "Expectations": ("Some learners expect us to fill in forms for them",
                     "People hope one session will make them confident"),
    "Security": ("Customers ask whether the open Wi-Fi is safe for banking",
                 "Shared PCs are sometimes left signed in"),
    "Booking systems": ("Each branch books digital help in a different way",
                        "People turn up without a booking and wait"),
    "Communication": ("Explaining things without jargon makes a real difference",
                      "Staff find it hard to say what help is beyond our role"),
    "Scams and fraud": ("More people bring in parcel delivery scam texts",
                        "Customers ask us to check messages that claim to be from HMRC"),
    "Devices and data": ("Loaned tablets come back without being reset",
                         "Data SIMs help people with no home internet"),
    "Accessibility": ("Screen magnifiers on public PCs help partially sighted users",
                      "Large-print guides for the NHS App were popular"),
    "Health": ("Many enquiries are about ordering repeat prescriptions in the NHS App",
               "People need help proving their identity for NHS login"),
    "Benefits and money": ("Universal Credit journal messages are a common reason for visits",
                           "Customers ask about cheaper broadband on social tariffs"),
    "Jobs and skills": ("Job seekers need help attaching a CV to an email",
                        "Online application forms time out before people finish"),
    "Promotion": ("Word of mouth brings in most new learners",
                  "Posters in GP surgeries brought new people to drop-ins"),
    "Partnerships": ("A local bank's staff volunteer at our sessions",
                     "The jobcentre now refers people to our drop-ins"),
}
KIND_ENDINGS = {
    "challenge": ("and we have no easy answer yet.", "which puts pressure on the team."),
    "approach": ("so we now run a weekly Tea and Tech session.",
                 "so volunteers pair with staff for the first month."),
    "outcome": ("and attendance rose over the year.", "and learners say they feel more confident."),
    "resource": ("Learn My Way modules helped here.", "The National Databank SIMs helped here."),
    "success_story": ("One learner now video-calls family every week.",
                      "A customer with no device found work through a loaned tablet."),
    "enquiry": ("This came up several times a week.", "We were asked about this at most drop-ins."),
    "note": ("Worth raising at the next meet-up.", "To follow up with the network."),
}
# Themes whose share grows (positive) or shrinks (negative) over the five years.
TRENDS = {"Scams and fraud": 2.0, "Health": 1.0, "Booking systems": -0.8, "Capacity": 0.5}


@dataclass(frozen=True)
class DemoSummary:
    entries: int
    meetups: int
    services: int


def service_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Invented library services, each with a region: ``("Ashford Libraries", "South East")``."""
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(_PLACE_START)}{rng.choice(_PLACE_END)} Libraries")
        if len(names) >= len(_PLACE_START) * len(_PLACE_END):
            break
    return [(name, rng.choice(REGIONS)) for name in sorted(names)]


def _sentence(opening: str, ending: str) -> str:
    # An ending in lower case carries the opening on; a capitalised one follows it.
    return f"{opening}, {ending}" if ending[0].islower() else f"{opening}. {ending}"


def _reserve_seqs(conn: Connection, n: int) -> list[int]:
    if conn.dialect.name == "sqlite":
        # Safe: the write transaction holds SQLite's write lock until commit.
        start = conn.execute(select(func.coalesce(func.max(entries.c.seq), 0))).scalar_one()
        return list(range(start + 1, start + n + 1))
    return list(conn.execute(
        text("SELECT nextval(pg_get_serial_sequence('entries', 'seq')) "
             "FROM generate_series(1, :n)"), {"n": n}
    ).scalars())


def _themes_for(rng: random.Random, progress: float) -> list[str]:
    weights = [max(0.1, 1.0 + TRENDS.get(t, 0.0) * (progress - 0.5) * 2) for t in THEMES]
    chosen = {rng.choices(THEMES, weights)[0] for _ in range(rng.choice((1, 1, 2, 2, 3)))}
    return sorted(chosen, key=THEMES.index)


def fill_demo(cb: Casebook, *, entries_count: int, seed: int = 1, services: int = 150,
              years: int = 5, now: datetime | None = None) -> DemoSummary:
    """Add ``entries_count`` demo entries (and meet-ups for them) to a casebook."""
    if not 1 <= entries_count <= MAX_ENTRIES:
        raise ValidationError([Problem("entries", "range",
                                       f"is {entries_count}; expected 1 to {MAX_ENTRIES}")])
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    span = timedelta(days=365 * years)
    start = now - span
    library_services = service_names(services, rng)
    meetup_rows = _meetup_rows(rng, max(1, min(entries_count // 25, 240)), start, span, now)
    with cb.write() as conn:
        # A seed always makes the same ids: run twice, it would collide with itself.
        if conn.execute(select(meetups.c.id).where(
                meetups.c.id.in_([row["id"] for row in meetup_rows])).limit(1)).first():
            raise ValidationError([Problem(
                "seed", "used", f"{seed} has already filled this casebook with demo data; "
                "give another --seed to add more")])
        conn.execute(insert(meetups), meetup_rows)
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    done = 0
    while done < entries_count:
        n = min(BATCH, entries_count - done)
        with cb.write() as conn:
            seqs = _reserve_seqs(conn, n)
            rows, labels, revisions = [], [], []
            for seq in seqs:
                meetup = rng.choice(meetup_rows) if rng.random() < 0.6 else None
                if meetup:
                    # Takeaways are logged on the day of their meet-up, during its hours.
                    day = datetime.combine(meetup["date"], datetime.min.time(), UTC)
                    created = min(day + timedelta(hours=10 + rng.random() * 5), now)
                else:
                    created = start + timedelta(seconds=rng.random() * span.total_seconds())
                kind = rng.choices(kinds, kind_weights)[0]
                themes = _themes_for(rng, (created - start) / span)
                service, region = rng.choice(library_services)
                body = _sentence(rng.choice(SAYINGS[themes[0]]), rng.choice(KIND_ENDINGS[kind]))
                offers = ["Digital and Information"] + (
                    [rng.choice(OFFERS)] if rng.random() < 0.2 else [])
                skills = rng.sample(SKILLS, rng.choice((0, 1, 1, 2)))
                # Made clean (known vocabularies, no personal data), so it skips checking.
                cleaned = {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "kind": kind, "title": None if rng.random() < 0.3 else themes[0],
                    "text": body, "library_service": service, "region": region,
                    "meetup_id": meetup and meetup["id"], "created_by": DEMO_ACTOR,
                    "status": "published", "created_at": created,
                }
                row = {"seq": seq, **entry_row(cleaned, {}, now=created, is_demo=True)}
                entry_labels_of = {
                    "themes": themes, "offers": sorted(set(offers), key=OFFERS.index),
                    "skills": sorted(skills, key=SKILLS.index),
                    "resources": recognise_resources(body)}
                rows.append(row)
                labels.extend(label_rows(seq, row, entry_labels_of))
                revisions.append({"entry_seq": seq, "number": 1, "action": "create",
                                  "actor": DEMO_ACTOR, "at": created,
                                  "changes": created_changes(row, entry_labels_of)})
            conn.execute(insert(entries), rows)
            conn.execute(insert(entry_labels), labels)
            conn.execute(insert(entry_revisions), revisions)
        done += n
    return DemoSummary(entries_count, len(meetup_rows), len(library_services))


def _meetup_rows(rng: random.Random, count: int, start: datetime, span: timedelta,
                 now: datetime) -> list[dict]:
    topics = ("Back to basics", "Scams and staying safe", "Health apps", "Devices and data",
              "Volunteers and Digital Champions", "Jobs and benefits online")
    rows = []
    for i in range(count):
        when: date = (start + span * (i + rng.random()) / count).date()
        meetup_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        cleaned = {"title": f"{when:%B %Y} network meet-up: {rng.choice(topics)}",
                   "date": when, "host_network": "Demo digital inclusion network", "notes": None}
        rows.append(meetup_row(cleaned, meetup_id=meetup_id, is_demo=True, created_at=now))
    return rows
