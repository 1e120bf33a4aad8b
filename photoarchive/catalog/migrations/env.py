"""Alembic environment: runs on the connection handed over by `catalog.db` (never a URL)."""

from alembic import context

from photoarchive.catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER through table copies
)
with context.begin_transaction():
    context.run_migrations()
