"""Gallery settings remembered per collection: what its last export was made with.

One row per collection that has been exported as a gallery: the title and introduction
(NULL while they are the collection's own name and description, so they follow a rename or
a new description), the theme, the image and thumbnail sizes, and the output folder. The
export dialog and `export gallery --collection` start from them, so re-exporting never
silently replaces the published text. The row goes with its collection.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gallery_settings",
        sa.Column("collection_id", sa.Integer,
                  sa.ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("intro", sa.Text),
        sa.Column("theme", sa.Text),
        sa.Column("image_size", sa.Integer, nullable=False),
        sa.Column("thumb_size", sa.Integer, nullable=False),
        sa.Column("out_dir", sa.Text),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gallery_settings")
