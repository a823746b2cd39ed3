"""Full-text search over entry titles and texts, one function for both backends.

SQLite uses its FTS5 index (porter stemming, bm25 ranking); PostgreSQL its
generated ``tsvector`` column (english stemming, ``ts_rank_cd``). In both, every
word of the query must appear (after stemming), title matches rank higher, and
the results honour the same :class:`EntryFilter` as every other view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import column, func, literal_column, select, table

from .entries import Entry, load_entries
from .errors import Problem, ValidationError
from .filters import EntryFilter
from .store import Casebook
from .store.schema import entries

# A word, or hyphenated words kept together ("Wi-Fi", "drop-in").
_TERM = re.compile(r"\w+(?:-\w+)*")
# Words people write both joined and hyphenated; the index splits hyphenated
# words apart, so "wifi" must also look for the phrase "wi fi" and vice versa.
JOINED_FORMS = {"wifi": "wi fi", "email": "e mail", "emails": "e mails", "ebook": "e book",
                "ebooks": "e books", "online": "on line"}
MAX_LIMIT = 1000
# PostgreSQL's english configuration ignores these words; SQLite's FTS5 would
# demand them. Dropping them from every query makes both backends agree.
STOP_WORDS = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
""".split())
_FTS = table("entries_fts", column("rowid"))


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


def query_terms(query: str) -> list[tuple[str, ...]]:
    """Each term of the query with its alternative spellings, as phrases of words.

    Punctuation and search operators are ignored; a hyphenated term matches its
    parts as a phrase or written as one word.

    >>> query_terms("Wi-Fi scams")
    [('wi fi', 'wifi'), ('scams',)]
    """
    terms = []
    for term in _TERM.findall((query or "").lower()):
        if "-" in term:
            terms.append((term.replace("-", " "), term.replace("-", "")))
        elif term in STOP_WORDS:
            continue
        elif term in JOINED_FORMS:
            terms.append((term, JOINED_FORMS[term]))
        else:
            terms.append((term,))
    return terms


def _fts5_match(terms: list[tuple[str, ...]]) -> str:
    # Quoting each phrase stops FTS5 reading AND, NEAR, * or quotes as syntax.
    groups = [" OR ".join(f'"{phrase}"' for phrase in term) for term in terms]
    return " AND ".join(f"({group})" for group in groups)


def _tsquery(terms: list[tuple[str, ...]]) -> str:
    # Terms are runs of word characters, so none of to_tsquery's operators can appear.
    groups = [" | ".join(" <-> ".join(phrase.split()) for phrase in term) for term in terms]
    return " & ".join(f"({group})" for group in groups)


def search(cb: Casebook, query: str, where: EntryFilter | None = None, *,
           limit: int = 20) -> list[Hit]:
    """Entries containing every word of ``query``, best matches first.

    Example: ``search(cb, "open wifi", EntryFilter(kinds="challenge"))``.
    """
    terms = query_terms(query)
    problems = []
    if not terms:
        problems.append(Problem("query", "required", f"has no words to search for: {query!r}"))
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(Problem("limit", "range", f"is {limit}; expected 1 to {MAX_LIMIT}"))
    if problems:
        raise ValidationError(problems)
    where = where or EntryFilter()
    if cb.dialect == "sqlite":
        match = _fts5_match(terms)
        fts = literal_column("entries_fts")
        # bm25 is lower for better matches; negate so both backends sort descending.
        score = -func.bm25(fts, 5.0, 1.0)
        stmt = (
            select(entries.c.seq, score.label("score"))
            .join(_FTS, _FTS.c.rowid == entries.c.seq)
            .where(fts.op("MATCH")(match))
        )
    else:
        tsquery = func.to_tsquery("english", _tsquery(terms))
        vector = literal_column("entries.search_vector")
        score = func.ts_rank_cd(vector, tsquery)
        stmt = select(entries.c.seq, score.label("score")).where(vector.op("@@")(tsquery))
    stmt = stmt.where(*where.clauses()).order_by(score.desc(), entries.c.seq.desc()).limit(limit)
    with cb.read() as conn:
        rows = conn.execute(stmt).all()
        found = load_entries(conn, [r.seq for r in rows])
    return [Hit(entry, float(row.score)) for entry, row in zip(found, rows, strict=True)]
