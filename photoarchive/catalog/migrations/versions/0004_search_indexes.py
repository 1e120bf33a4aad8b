"""Indexes for searching and sorting at archive scale (100,000 photos and more).

- ``ix_photo_date_sort`` holds exactly the expressions of the date order
  (`services.photos._order("date")`: undated last, then earliest, latest, time taken,
  path), so all photos by date are read from the index in order, without sorting, and a
  filter on the date columns is checked inside it without reading the photo rows.
- ``ix_photo_caption_blank`` is a partial index of the photos whose caption is blank
  (`catalog.search._blank`: NULL or only white space), with the same sort key and the
  caption itself: ``missing:caption`` reads it in date order and never touches the rows.

SQLite keeps NULLs first in an index, so ``NULLS LAST`` cannot use one; the sort key's
first part, ``date_earliest IS NULL``, does the same and can. Adding indexes changes no
data; a downgrade drops them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The date order's expressions, in order (the same text as the query's ORDER BY).
DATE_SORT = ("date_earliest IS NULL", "date_earliest", "date_latest", "taken_at", "path")
#: `catalog.search._blank(Photo.caption)`, the condition of ``missing:caption``.
CAPTION_BLANK = "caption IS NULL OR trim(caption) = ''"


def _columns(names: tuple[str, ...]) -> list[sa.TextClause | str]:
    return [sa.text(name) if " " in name else name for name in names]


def upgrade() -> None:
    with op.batch_alter_table("photo") as batch:  # no table copy: indexes only
        batch.create_index("ix_photo_date_sort", _columns(DATE_SORT))
        batch.create_index("ix_photo_caption_blank", _columns((*DATE_SORT, "caption")),
                           sqlite_where=sa.text(CAPTION_BLANK))


def downgrade() -> None:
    with op.batch_alter_table("photo") as batch:
        batch.drop_index("ix_photo_caption_blank")
        batch.drop_index("ix_photo_date_sort")
