"""Remember the size and mtime of files that failed, so a re-import skips them until they change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_failure") as batch:
        batch.add_column(sa.Column("file_size", sa.Integer))
        batch.add_column(sa.Column("file_mtime", sa.Float))
        batch.create_index("ix_import_failure_path", ["path"])


def downgrade() -> None:
    with op.batch_alter_table("import_failure") as batch:
        batch.drop_index("ix_import_failure_path")
        batch.drop_column("file_mtime")
        batch.drop_column("file_size")
