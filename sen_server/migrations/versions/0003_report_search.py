"""free-text search over report titles and narratives

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE TABLE report_fts (
                report_id VARCHAR(32) PRIMARY KEY REFERENCES report(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                content TEXT NOT NULL,
                tsv tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A')
                    || setweight(to_tsvector('english', content), 'B')
                ) STORED
            )
            """
        )
        op.execute("CREATE INDEX ix_report_fts_tsv ON report_fts USING GIN (tsv)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE report_fts USING fts5("
        "report_id UNINDEXED, title, content, tokenize='porter unicode61')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS report_fts")
