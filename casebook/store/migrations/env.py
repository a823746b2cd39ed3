"""Alembic's entry point. The casebook's store always hands in an open
connection inside a write transaction, so that concurrent openers queue on the
database's own lock instead of racing to create the same tables."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
