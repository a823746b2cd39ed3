"""Full-text search over entry titles and texts.

SQLite: an FTS5 table whose content is the entries table, kept in step by
triggers. PostgreSQL: a generated tsvector column with a GIN index. Entries
that exist before this revision are indexed as part of the upgrade.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Title words weigh more than body words in both backends' ranking.
SQLITE_UP = [
    """CREATE VIRTUAL TABLE entries_fts USING fts5(
        title, text, content='entries', content_rowid='seq',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END""",
    """CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, text ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    "INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER entries_fts_update",
    "DROP TRIGGER entries_fts_delete",
    "DROP TRIGGER entries_fts_insert",
    "DROP TABLE entries_fts",
]
POSTGRES_UP = [
    """ALTER TABLE entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', text), 'B')) STORED""",
    "CREATE INDEX ix_entries_search_vector ON entries USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX ix_entries_search_vector",
    "ALTER TABLE entries DROP COLUMN search_vector",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _run(SQLITE_UP)
    else:
        _run(POSTGRES_UP)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
    else:
        _run(POSTGRES_DOWN)
