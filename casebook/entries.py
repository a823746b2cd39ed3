"""Adding, changing, deleting and reading casebook entries, with their audit trail.

Every change writes a revision row in the same transaction as the change
itself: who, when, and each changed field's old and new value. Deletion is
soft, so nothing anyone saved is ever lost.

Example (a real casebook file, so not run as a doctest)::

    cb = open_casebook("sqlite:///var/casebook.db")
    entry = add_entry(cb, {"kind": "challenge", "text": "Few staff"})
    update_entry(cb, entry.id, {"themes": ["Capacity"]}, actor="Sam")
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from .errors import NotFound, Problem, ValidationError
from .fields import ENTRY, LABELS
from .filters import EntryFilter
from .meetups import meetup_exists
from .redaction import merge_counts, redact
from .resources import recognise_resources
from .store import Casebook
from .store.schema import entries, entry_labels, entry_revisions
from .validation import clean_entry, timestamp_text

# The fields a revision records, in the order people read them (see casebook.fields).
TRACKED = tuple(f.name for f in ENTRY.tracked())
# Every labelled field and its facet in entry_labels; resources are derived.
LABEL_FIELDS = ENTRY.facets()
_LABEL_ORDER = {f.facet: f.vocabulary for f in ENTRY.of_type(LABELS)}
# Tracked fields kept as columns of the entries table (labels have rows of their own).
_COLUMNS = tuple(f.name for f in ENTRY.tracked() if f.type != LABELS and f.name != "deleted")
FACET_NAMES = tuple(ENTRY.facets(given_only=True))


@dataclass(frozen=True)
class Entry:
    """One casebook entry, as stored."""

    id: str
    kind: str
    title: str | None
    text: str
    themes: tuple[str, ...]
    offers: tuple[str, ...]
    skills: tuple[str, ...]
    resources: tuple[str, ...]  # recognised in the title and text, never typed in
    library_service: str | None
    region: str | None
    meetup_id: str | None
    created_by: str | None
    status: str
    deleted: bool
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    redactions: dict[str, int]

    def to_dict(self) -> dict:
        """Plain JSON-ready values: lists for labels, RFC 3339 UTC for times."""
        data = asdict(self)
        for name in LABEL_FIELDS:
            data[name] = list(data[name])
        for name in ("created_at", "updated_at"):
            data[name] = timestamp_text(data[name])
        return data


@dataclass(frozen=True)
class Revision:
    """One change to one entry: ``changes`` maps each field to ``[old, new]``."""

    number: int
    action: str
    actor: str | None
    at: datetime
    changes: dict

    def to_dict(self) -> dict:
        return {**asdict(self), "at": timestamp_text(self.at)}


def _now() -> datetime:
    return datetime.now(UTC)


def _state(entry: Entry) -> dict:
    return {name: list(v) if isinstance(v := getattr(entry, name), tuple) else v
            for name in TRACKED}


def _diff(before: dict, after: dict) -> dict:
    return {name: [before[name], after[name]] for name in TRACKED if before[name] != after[name]}


def _record(conn: Connection, seq: int, action: str, actor: str | None, changes: dict,
            at: datetime) -> None:
    number = conn.execute(
        select(func.coalesce(func.max(entry_revisions.c.number), 0)).where(
            entry_revisions.c.entry_seq == seq
        )
    ).scalar_one()
    conn.execute(
        insert(entry_revisions).values(
            entry_seq=seq, number=number + 1, action=action, actor=actor, at=at, changes=changes
        )
    )


def _write_labels(conn: Connection, seq: int, cleaned: Mapping) -> None:
    for field_name, facet in LABEL_FIELDS.items():
        if field_name not in cleaned:
            continue
        conn.execute(
            delete(entry_labels).where(
                entry_labels.c.entry_seq == seq, entry_labels.c.facet == facet
            )
        )
        rows = [{"entry_seq": seq, "facet": facet, "value": v} for v in cleaned[field_name]]
        if rows:
            conn.execute(insert(entry_labels), rows)


def copy_to_labels(conn: Connection, seq: int, entry: Entry) -> None:
    """Bring the entry's label rows' copies of its filter fields up to date."""
    conn.execute(
        update(entry_labels)
        .where(entry_labels.c.entry_seq == seq)
        .values(**label_copies(entry.kind, entry.library_service, entry.region, entry.deleted,
                               entry.created_at))
    )


def label_copies(kind: str, service: str | None, region: str | None, deleted: bool,
                 created_at: datetime) -> dict:
    """The entry fields each of its label rows carries (see schema.entry_labels)."""
    return {"month": f"{created_at.astimezone(UTC):%Y-%m}", "kind": kind,
            "library_service": service, "region": region, "deleted": deleted,
            "created_at": created_at}


def _check_references(conn: Connection, cleaned: Mapping, *, new: bool) -> None:
    problems = []
    meetup_id = cleaned.get("meetup_id")
    if meetup_id and not meetup_exists(conn, meetup_id):
        problems.append(Problem("meetup_id", "not_found", f"no meet-up has id {meetup_id}"))
    if new and cleaned.get("id") and conn.execute(
        select(entries.c.seq).where(entries.c.id == cleaned["id"])
    ).first() is not None:
        problems.append(Problem("id", "duplicate", f"an entry with id {cleaned['id']} exists"))
    if problems:
        raise ValidationError(problems)


def clean_and_redact(data: Mapping, *, partial: bool = False) -> tuple[dict, dict[str, int]]:
    """Validate an entry's fields, then replace personal data in its title and text.

    Returns the cleaned fields and the counts of what was removed. Every path
    that stores an entry comes through here, so nothing identifying is stored.
    """
    cleaned = clean_entry(data, partial=partial)
    counts: dict[str, int] = {}
    for name in ("title", "text"):
        if cleaned.get(name):
            result = redact(cleaned[name])
            cleaned[name] = result.text
            counts = merge_counts(counts, result.counts)
    if counts:
        # A placeholder can be longer than what it replaced: check the limits again.
        clean_entry({k: cleaned[k] for k in ("title", "text") if k in cleaned}, partial=True)
    return cleaned, counts


def add_entry(cb: Casebook, data: Mapping, *, actor: str | None = None,
              is_demo: bool = False) -> Entry:
    """Validate, redact and store a new entry; returns it with its new UUID.

    Raises :class:`ValidationError` listing every problem; nothing is written then.
    """
    return add_entries(cb, [data], actor=actor, is_demo=is_demo)[0]


def add_entries(cb: Casebook, items: Sequence[Mapping], *, actor: str | None = None,
                is_demo: bool = False) -> list[Entry]:
    """Store several new entries in one transaction: all of them or, if any is bad, none.

    Problems from every item are collected first; each carries its position
    (from 1) in ``row``.
    """
    prepared, problems = [], []
    for row, data in enumerate(items, start=1):
        try:
            cleaned, redactions = clean_and_redact(data)
        except ValidationError as exc:
            problems.extend(replace(p, row=row) for p in exc.problems)
            continue
        prepared.append((cleaned, redactions))
    if problems:
        raise ValidationError(problems if len(items) > 1 else
                              [replace(p, row=None) for p in problems])
    added = []
    with cb.write() as conn:
        for cleaned, redactions in prepared:
            added.append(insert_entry(conn, cleaned, redactions, actor=actor, is_demo=is_demo))
    return added


def entry_row(cleaned: Mapping, redactions: Mapping, *, now: datetime, is_demo: bool = False,
              deleted: bool = False, updated_at: datetime | None = None) -> dict:
    """The ``entries`` table row for a cleaned, redacted entry (without its ``seq``).

    :func:`insert_entry` and the demo generator's bulk path both build rows here.
    """
    created_at = cleaned.get("created_at") or now
    return {"id": cleaned.get("id") or str(uuid.uuid4()), "is_demo": is_demo,
            "redactions": dict(redactions), "deleted": deleted, "created_at": created_at,
            "updated_at": updated_at or now,
            **{name: cleaned.get(name) for name in _COLUMNS}}


def label_rows(seq: int, row: Mapping, labels: Mapping[str, Sequence[str]]) -> list[dict]:
    """The ``entry_labels`` rows of one entry, each carrying copies of its filter fields."""
    copies = label_copies(row["kind"], row["library_service"], row["region"], row["deleted"],
                          row["created_at"])
    return [{"entry_seq": seq, "facet": facet, "value": value, **copies}
            for name, facet in LABEL_FIELDS.items() for value in labels.get(name, ())]


def created_changes(row: Mapping, labels: Mapping[str, Sequence[str]]) -> dict:
    """What a creation's revision records: only the fields given values."""
    state = {name: list(labels.get(name, ())) if name in LABEL_FIELDS else row.get(name)
             for name in TRACKED}
    return {name: [None, value] for name, value in state.items()
            if value not in (None, [], False)}


def insert_entry(conn: Connection, cleaned: dict, redactions: dict, *,
                 actor: str | None = None, is_demo: bool = False, deleted: bool = False,
                 updated_at: datetime | None = None) -> Entry:
    """Insert one cleaned, redacted entry inside an open write transaction.

    ``updated_at`` and ``deleted`` are for merges, which keep another
    casebook's timestamps and deletions; a new entry has neither.
    """
    now = _now()
    row = entry_row(cleaned, redactions, now=now, is_demo=is_demo, deleted=deleted,
                    updated_at=updated_at)
    _check_references(conn, row, new=True)
    labels = {name: cleaned.get(name, ()) for name in FACET_NAMES}
    labels["resources"] = recognise_resources(row["title"], row["text"])
    seq = conn.execute(insert(entries).values(**row).returning(entries.c.seq)).scalar_one()
    found = label_rows(seq, row, labels)
    if found:
        conn.execute(insert(entry_labels), found)
    _record(conn, seq, "create", actor or row["created_by"], created_changes(row, labels), now)
    return _load(conn, [seq])[0]


def change_entry(conn: Connection, before: Entry, cleaned: dict, redactions: dict, *,
                 actor: str | None, action: str = "update",
                 updated_at: datetime | None = None) -> Entry:
    """Apply cleaned changes to an entry inside an open write transaction.

    Records one revision with each changed field's old and new value, and
    returns the entry as it now is; changing nothing records nothing.
    """
    _check_references(conn, cleaned, new=False)
    if "title" in cleaned or "text" in cleaned:
        cleaned["resources"] = recognise_resources(cleaned.get("title", before.title),
                                                   cleaned.get("text", before.text))
    changed = _diff(_state(before), {**_state(before),
                                     **{k: v for k, v in cleaned.items() if k in TRACKED}})
    if not changed:
        return before
    now = _now()
    seq = _seq(conn, before.id)
    columns = {name: cleaned[name] for name in (*_COLUMNS, "deleted") if name in cleaned}
    if redactions:
        columns["redactions"] = merge_counts(before.redactions, redactions)
    conn.execute(update(entries).where(entries.c.seq == seq)
                 .values(updated_at=updated_at or now, **columns))
    _write_labels(conn, seq, cleaned)
    _record(conn, seq, action, actor, changed, now)
    entry = _load(conn, [seq])[0]
    copy_to_labels(conn, seq, entry)
    return entry


def update_entry(cb: Casebook, entry_id: str, changes: Mapping, *,
                 actor: str | None = None) -> Entry:
    """Change some fields of an entry; records one revision with what changed.

    Changing nothing records nothing. A deleted entry must be restored first.
    """
    cleaned, redactions = clean_and_redact(changes, partial=True)
    cleaned.pop("id", None)
    cleaned.pop("created_at", None)
    with cb.write() as conn:
        before = _require(conn, entry_id)
        if before.deleted:
            raise ValidationError(
                [Problem("id", "deleted", f"entry {entry_id} is deleted; restore it first")]
            )
        return change_entry(conn, before, cleaned, redactions, actor=actor)


def _set_deleted(cb: Casebook, entry_id: str, deleted: bool, actor: str | None) -> Entry:
    with cb.write() as conn:
        before = _require(conn, entry_id)
        return change_entry(conn, before, {"deleted": deleted}, {}, actor=actor,
                            action="delete" if deleted else "restore")


def delete_entry(cb: Casebook, entry_id: str, *, actor: str | None = None) -> Entry:
    """Hide an entry from every view. It stays in the database, with its history."""
    return _set_deleted(cb, entry_id, True, actor)


def restore_entry(cb: Casebook, entry_id: str, *, actor: str | None = None) -> Entry:
    """Bring back a deleted entry."""
    return _set_deleted(cb, entry_id, False, actor)


def get_entry(cb: Casebook, entry_id: str) -> Entry:
    """The entry with this UUID, deleted or not; :class:`NotFound` if there is none."""
    with cb.read() as conn:
        return _require(conn, entry_id)


def entry_history(cb: Casebook, entry_id: str) -> list[Revision]:
    """Every revision of an entry, oldest first."""
    with cb.read() as conn:
        seq = _seq(conn, entry_id)
        rows = conn.execute(
            select(entry_revisions)
            .where(entry_revisions.c.entry_seq == seq)
            .order_by(entry_revisions.c.number)
        )
        return [Revision(r.number, r.action, r.actor, r.at, r.changes) for r in rows]


def count_entries(cb: Casebook, where: EntryFilter | None = None) -> int:
    """How many entries match the filter (deleted ones left out)."""
    where = where or EntryFilter()
    with cb.read() as conn:
        return conn.execute(
            select(func.count()).select_from(entries).where(*where.clauses())
        ).scalar_one()


def list_entries(cb: Casebook, where: EntryFilter | None = None, *, limit: int = 100,
                 offset: int = 0) -> list[Entry]:
    """Matching entries, newest first."""
    where = where or EntryFilter()
    with cb.read() as conn:
        seqs = conn.execute(
            select(entries.c.seq)
            .where(*where.clauses())
            .order_by(entries.c.created_at.desc(), entries.c.seq.desc())
            .limit(limit)
            .offset(offset)
        ).scalars().all()
        return load_entries(conn, seqs)


def iter_entries(cb: Casebook, where: EntryFilter | None = None, *,
                 batch: int = 2_000) -> Iterator[Entry]:
    """Every matching entry in the order they were added, a batch at a time.

    Pages by key rather than by offset, so the millionth entry costs no more
    to reach than the first, and memory stays flat however many there are.
    """
    where = where or EntryFilter()
    last = 0
    while True:
        with cb.read() as conn:
            seqs = conn.execute(
                select(entries.c.seq)
                .where(entries.c.seq > last, *where.clauses())
                .order_by(entries.c.seq)
                .limit(batch)
            ).scalars().all()
            page = _load(conn, seqs)
        yield from page
        if len(seqs) < batch:
            return
        last = seqs[-1]


def _seq(conn: Connection, entry_id: str) -> int:
    seq = conn.execute(select(entries.c.seq).where(entries.c.id == str(entry_id))).scalar()
    if seq is None:
        raise NotFound(f"no entry has id {entry_id}")
    return seq


def _require(conn: Connection, entry_id: str) -> Entry:
    return _load(conn, [_seq(conn, entry_id)])[0]


def load_entries(conn: Connection, seqs: Sequence[int]) -> list[Entry]:
    """Entries by their internal keys, in the order given, labels included."""
    return _load(conn, seqs)


def _load(conn: Connection, seqs: Sequence[int]) -> list[Entry]:
    if not seqs:
        return []
    rows: dict[int, Row] = {
        r.seq: r for r in conn.execute(select(entries).where(entries.c.seq.in_(seqs)))
    }
    labels: dict[tuple[int, str], list[str]] = defaultdict(list)
    for r in conn.execute(
        select(entry_labels)
        .where(entry_labels.c.entry_seq.in_(seqs))
        .order_by(entry_labels.c.entry_seq, entry_labels.c.facet, entry_labels.c.value)
    ):
        labels[(r.entry_seq, r.facet)].append(r.value)
    for (_, facet), values in labels.items():
        order = _LABEL_ORDER.get(facet, ())
        values.sort(key=lambda v: (order.index(v) if v in order else len(order), v))
    return [
        Entry(
            id=row.id,
            kind=row.kind,
            title=row.title,
            text=row.text,
            themes=tuple(labels[(seq, "theme")]),
            offers=tuple(labels[(seq, "offer")]),
            skills=tuple(labels[(seq, "skill")]),
            resources=tuple(labels[(seq, "resource")]),
            library_service=row.library_service,
            region=row.region,
            meetup_id=row.meetup_id,
            created_by=row.created_by,
            status=row.status,
            deleted=bool(row.deleted),
            is_demo=bool(row.is_demo),
            created_at=row.created_at,
            updated_at=row.updated_at,
            redactions=dict(row.redactions or {}),
        )
        for seq in seqs
        if (row := rows.get(seq)) is not None
    ]
