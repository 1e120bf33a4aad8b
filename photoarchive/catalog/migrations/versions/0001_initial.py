"""Initial catalog: photos, keywords, people, collections, edit log, import runs, FTS index.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("paths", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("relinked", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
    )
    op.create_table(
        "import_failure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("import_run.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
    )
    op.create_table(
        "photo",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("file_size", sa.Integer, nullable=False),
        sa.Column("file_mtime", sa.Float, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("orientation", sa.Integer, nullable=False),
        sa.Column("rotation", sa.Integer, nullable=False),
        sa.Column("missing", sa.Boolean, nullable=False),
        sa.Column("camera_make", sa.String(200)),
        sa.Column("camera_model", sa.String(200)),
        sa.Column("taken_at", sa.String(40)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("title", sa.Text),
        sa.Column("headline", sa.Text),
        sa.Column("caption", sa.Text),
        sa.Column("alt_text", sa.Text),
        sa.Column("creator", sa.Text),
        sa.Column("date", sa.String(64)),
        sa.Column("date_display", sa.String(120)),
        sa.Column("date_earliest", sa.String(10), index=True),
        sa.Column("date_latest", sa.String(10), index=True),
        sa.Column("sublocation", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("state", sa.Text),
        sa.Column("country", sa.Text),
        sa.Column("country_code", sa.String(8)),
        sa.Column("event", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("credit", sa.Text),
        sa.Column("rights", sa.Text),
        sa.Column("rights_url", sa.Text),
        sa.Column("identifier", sa.Text),
        sa.Column("caption_writer", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False, index=True),
        sa.Column("modified_at", TZ, nullable=False),
        sa.Column("import_run_id", sa.Integer,
                  sa.ForeignKey("import_run.id", ondelete="SET NULL")),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "keyword",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "photo_keyword",
        sa.Column("photo_id", sa.Integer, sa.ForeignKey("photo.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("keyword_id", sa.Integer, sa.ForeignKey("keyword.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
    )
    op.create_table(
        "photo_person",
        sa.Column("photo_id", sa.Integer, sa.ForeignKey("photo.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
    )
    op.create_table(
        "collection",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("description", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "collection_member",
        sa.Column("collection_id", sa.Integer,
                  sa.ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("photo_id", sa.Integer, sa.ForeignKey("photo.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "edit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False, index=True),
        sa.Column("photo_id", sa.Integer, sa.ForeignKey("photo.id", ondelete="SET NULL"),
                  index=True),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("user", sa.String(120)),
    )
    # Full-text index; rowid is photo.id. SQLite-only, like everything in catalog/search.py.
    op.execute(
        "CREATE VIRTUAL TABLE photo_fts USING fts5("
        "title, caption, alt_text, keywords, people, places, creator, source, identifier, notes,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE photo_fts")
    for table in ("edit", "collection_member", "collection", "photo_person", "photo_keyword",
                  "person", "keyword", "photo", "import_failure", "import_run"):
        op.drop_table(table)
