"""What the manager dashboard shows, computed in SQL for one set of filters.

Every figure here is a grouped count or a short list: no view loads every
entry. Label counts read the label rows alone (they carry copies of their
entry's filter fields), which keeps a redraw fast at a million entries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from .entries import Entry, count_entries, list_entries
from .filters import EntryFilter, day_bounds
from .store import Casebook
from .store.schema import attempt_steps, attempts, entries, entry_labels


@dataclass(frozen=True)
class MonthCount:
    month: str  # "YYYY-MM", UTC
    label: str
    count: int


def month_of(dialect: str, column=entries.c.created_at) -> ColumnElement[str]:
    """The UTC calendar month of a timestamp column, as ``YYYY-MM`` text."""
    if dialect == "sqlite":
        # Stored as naive UTC text "YYYY-MM-DD HH:MM:SS", so the month is its prefix.
        return func.substr(column, 1, 7)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def label_source(facet: str, where: EntryFilter):
    """Where to count one facet's labels from, and the conditions.

    Label rows carry copies of their entry's month, kind, service, region,
    date and deleted flag, so a filter on those alone reads the label rows
    through one covering index. A filter on labels or status selects few
    entries, and is fastest driven from them, through the join.
    """
    if where.on_copied_fields_only:
        return entry_labels, where.label_clauses(facet)
    joined = entries.join(entry_labels, entry_labels.c.entry_seq == entries.c.seq)
    return joined, [entry_labels.c.facet == facet, *where.clauses()]


def label_counts_by_month(cb: Casebook, facet: str = "theme",
                          where: EntryFilter | None = None) -> list[MonthCount]:
    """How many matching entries carry each label of a facet, month by month.

    An entry with two themes counts once under each. Months with no entries
    for a label are absent, not zero.
    """
    where = where or EntryFilter()
    labels = entry_labels.c
    source, clauses = label_source(facet, where)
    query = (
        select(labels.month, labels.value, func.count().label("n"))
        .select_from(source).where(*clauses)
        .group_by(labels.month, labels.value)
        .order_by(labels.month, labels.value)
    )
    with cb.read() as conn:
        return [MonthCount(r.month, r.value, r.n) for r in conn.execute(query)]


@dataclass(frozen=True)
class ThemeTrend:
    """How often a theme came up as a challenge: overall, lately, and just before."""

    theme: str
    total: int
    recent: int
    before: int

    @property
    def change(self) -> int:
        return self.recent - self.before


@dataclass(frozen=True)
class ScenarioResult:
    scenario_id: str
    title: str
    attempts: int
    finished: int
    passed: int

    @property
    def completion_rate(self) -> float:
        return self.finished / self.attempts if self.attempts else 0.0

    @property
    def pass_rate(self) -> float:
        """Passes as a share of finished attempts."""
        return self.passed / self.finished if self.finished else 0.0


@dataclass(frozen=True)
class HardChoice:
    """A decision point, and how often learners got it wrong (scored 0 or less)."""

    scenario_id: str
    node_id: str
    answered: int
    wrong: int
    commonest_wrong: str

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class RedLineCount:
    """How often one red line of one scenario was crossed (in how many of its attempts)."""

    scenario_id: str
    scenario_title: str
    red_line: str
    crossed: int
    attempts: int

    @property
    def rate(self) -> float:
        return self.crossed / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class Overview:
    total: int
    themes_by_month: list[MonthCount]
    challenges: list[ThemeTrend]
    resources: list[tuple[str, int]]
    stories: list[Entry]
    training: list[ScenarioResult]
    hardest: list[HardChoice]
    red_lines: list[RedLineCount] = ()

    @property
    def empty(self) -> bool:
        return self.total == 0 and not self.training


def challenge_trends(counts: list[MonthCount], months: int = 3) -> list[ThemeTrend]:
    """Rank themes by challenges logged; compare the last ``months`` months with the
    ``months`` before them (months with any challenge in the filtered range)."""
    seen = sorted({c.month for c in counts})
    recent, before = set(seen[-months:]), set(seen[-2 * months:-months])
    totals: dict[str, list[int]] = {}
    for c in counts:
        total = totals.setdefault(c.label, [0, 0, 0])
        total[0] += c.count
        total[1] += c.count if c.month in recent else 0
        total[2] += c.count if c.month in before else 0
    trends = [ThemeTrend(theme, *values) for theme, values in totals.items()]
    return sorted(trends, key=lambda t: (-t.total, t.theme))


def top_labels(cb: Casebook, facet: str, where: EntryFilter, limit: int) -> list[tuple[str, int]]:
    n = func.count().label("n")
    source, clauses = label_source(facet, where)
    query = (select(entry_labels.c.value, n).select_from(source).where(*clauses)
             .group_by(entry_labels.c.value).order_by(n.desc(), entry_labels.c.value)
             .limit(limit))
    with cb.read() as conn:
        return [(row.value, row.n) for row in conn.execute(query)]


def _attempt_clauses(where: EntryFilter) -> list:
    """The training records follow the service and date filters (on when attempts began)."""
    c = attempts.c
    out = [c.library_service.in_(where.services)] if where.services else []
    return out + day_bounds(c.started_at, where.since, where.until)


def training_results(cb: Casebook, where: EntryFilter) -> list[ScenarioResult]:
    c = attempts.c
    query = (select(c.scenario_id, func.max(c.scenario_title).label("title"),
                    func.count().label("attempts"), func.count(c.finished_at).label("finished"),
                    func.sum(case((c.passed.is_(True), 1), else_=0)).label("passed"))
             .where(*_attempt_clauses(where)).group_by(c.scenario_id)
             .order_by(c.scenario_id))
    with cb.read() as conn:
        return [ScenarioResult(r.scenario_id, r.title, r.attempts, r.finished, int(r.passed))
                for r in conn.execute(query)]


def _wrong(s):
    """A step that was not the best choice (steps stored before 0006: scored 0 or less)."""
    return or_(s.best.is_(False), and_(s.best.is_(None), s.points <= 0))


def hardest_choices(cb: Casebook, where: EntryFilter, limit: int = 5) -> list[HardChoice]:
    s, a = attempt_steps.c, attempts.c
    wrong = func.sum(case((_wrong(s), 1), else_=0)).label("wrong")
    answered = func.count().label("answered")
    base = (select(a.scenario_id, s.node_id, answered, wrong)
            .select_from(attempt_steps.join(attempts, a.id == s.attempt_id))
            .where(s.action == "choose", *_attempt_clauses(where))
            .group_by(a.scenario_id, s.node_id))
    rows = base.subquery()
    query = (select(rows).where(rows.c.wrong > 0)
             .order_by((rows.c.wrong * 1.0 / rows.c.answered).desc(), rows.c.answered.desc())
             .limit(limit))
    found = []
    with cb.read() as conn:
        for r in conn.execute(query):
            label = conn.execute(
                select(s.choice_label, func.count().label("n"))
                .select_from(attempt_steps.join(attempts, a.id == s.attempt_id))
                .where(and_(a.scenario_id == r.scenario_id, s.node_id == r.node_id,
                            s.action == "choose", _wrong(s), *_attempt_clauses(where)))
                .group_by(s.choice_label).order_by(func.count().desc()).limit(1)
            ).first()
            found.append(HardChoice(r.scenario_id, r.node_id, r.answered, int(r.wrong),
                                    label.choice_label if label else ""))
    return found


def red_lines_crossed(cb: Casebook, where: EntryFilter) -> list[RedLineCount]:
    """Each red line crossed, per scenario, most often crossed first: the training signal
    a manager most needs. A line crossed and then undone with "go back" still counts."""
    s, a = attempt_steps.c, attempts.c
    per_scenario = (select(a.scenario_id, func.count().label("n"))
                    .where(*_attempt_clauses(where)).group_by(a.scenario_id).subquery())
    crossed = (select(a.scenario_id, func.max(a.scenario_title).label("title"), s.red_line,
                      func.count(func.distinct(a.id)).label("crossed"))
               .select_from(attempt_steps.join(attempts, a.id == s.attempt_id))
               .where(s.action == "choose", s.red_line.is_not(None), *_attempt_clauses(where))
               .group_by(a.scenario_id, s.red_line).subquery())
    query = (select(crossed, per_scenario.c.n)
             .join(per_scenario, per_scenario.c.scenario_id == crossed.c.scenario_id)
             .order_by(crossed.c.crossed.desc(), crossed.c.scenario_id, crossed.c.red_line))
    with cb.read() as conn:
        return [RedLineCount(r.scenario_id, r.title, r.red_line, r.crossed, r.n)
                for r in conn.execute(query)]


def overview(cb: Casebook, where: EntryFilter | None = None, *, stories: int = 6,
             resources: int = 10) -> Overview:
    """Everything the dashboard draws for one set of filters."""
    where = where or EntryFilter()

    def wants(kind: str) -> bool:
        return not where.kinds or kind in where.kinds

    challenges = (label_counts_by_month(cb, "theme", replace(where, kinds=("challenge",)))
                  if wants("challenge") else [])
    return Overview(
        total=count_entries(cb, where),
        themes_by_month=label_counts_by_month(cb, "theme", where),
        challenges=challenge_trends(challenges),
        resources=top_labels(cb, "resource", where, resources),
        stories=(list_entries(cb, replace(where, kinds=("success_story",)), limit=stories)
                 if wants("success_story") else []),
        training=training_results(cb, where),
        hardest=hardest_choices(cb, where),
        red_lines=red_lines_crossed(cb, where),
    )


def filter_choices(cb: Casebook) -> dict[str, list[str]]:
    """The library services and regions that entries name, for the filter lists."""
    with cb.read() as conn:
        def distinct(column):
            return sorted(v for v in conn.execute(select(column).distinct()).scalars() if v)

        return {"services": distinct(entries.c.library_service),
                "regions": distinct(entries.c.region)}
