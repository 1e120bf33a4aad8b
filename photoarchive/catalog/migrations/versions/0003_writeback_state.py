"""Write-back state: when each photo was last in step with its files, and catalog settings.

`photo.synced_at` is the photo's `modified_at` as it was when the catalog and the files last
agreed (import, write, re-read): a later edit makes `modified_at` newer. `photo.file_state`
is JSON with the size, mtime and SHA-256 of the photo file and of its sidecar at that moment,
so a change made outside the app is noticed. `setting` holds per-catalog preferences
(JSON values by key), such as writing sidecars after every edit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photo") as batch:
        batch.add_column(sa.Column("synced_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("file_state", sa.Text))
    op.create_table(
        "setting",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("setting")
    with op.batch_alter_table("photo") as batch:
        batch.drop_column("file_state")
        batch.drop_column("synced_at")
