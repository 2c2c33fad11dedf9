"""news tracking: a projection of NEWS stories for the list, and story-report links

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 02:30:00

The story list filters by outlet and publication time, both inside a NEWS report's JSON
body; ``news_story`` copies them into indexed columns (kept in step on every write of the
report). Existing NEWS reports are projected here, from their bodies.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import sen_server.models
from sen_server.news.projection import outlet_key

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = sen_server.models.UTCDateTime
    op.create_table(
        "news_story",
        sa.Column(
            "report_id",
            sa.String(length=32),
            sa.ForeignKey("report.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("outlet", sa.String(length=300), nullable=False),
        sa.Column("outlet_key", sa.String(length=300), nullable=False),
        sa.Column("published_at", utc(), nullable=False),
    )
    op.create_index("ix_news_story_published", "news_story", ["published_at", "report_id"])
    op.create_index(
        "ix_news_story_outlet_published", "news_story", ["outlet_key", "published_at", "report_id"]
    )
    op.create_table(
        "news_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "news_id",
            sa.String(length=32),
            sa.ForeignKey("report.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "report_id",
            sa.String(length=32),
            sa.ForeignKey("report.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("linked_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("linked_at", utc(), nullable=False),
        sa.UniqueConstraint("news_id", "report_id"),
    )
    op.create_index("ix_news_link_report", "news_link", ["report_id", "news_id"])
    _project_existing_stories()


def _project_existing_stories() -> None:
    report = sa.table(
        "report",
        sa.column("id", sa.String()),
        sa.column("type", sa.String()),
        sa.column("created_at", sen_server.models.UTCDateTime()),
        sa.column("body", sen_server.models.JSONType),
    )
    story = sa.table(
        "news_story",
        sa.column("report_id", sa.String()),
        sa.column("outlet", sa.String()),
        sa.column("outlet_key", sa.String()),
        sa.column("published_at", sen_server.models.UTCDateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(report.c.id, report.c.created_at, report.c.body).where(report.c.type == "NEWS")
    ).all()
    values = []
    for report_id, created_at, body in rows:
        outlet = " ".join(str((body or {}).get("outlet") or "").split())[:300]
        values.append(
            {
                "report_id": report_id,
                "outlet": outlet,
                "outlet_key": outlet_key(outlet),
                "published_at": _published(body or {}, created_at),
            }
        )
    if values:
        op.bulk_insert(story, values)


def _published(body: dict[str, object], created_at: datetime) -> datetime:
    text = body.get("published_at")
    if isinstance(text, str):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return created_at
        if when.tzinfo is not None:
            return when.astimezone(UTC)
    return created_at


def downgrade() -> None:
    op.drop_index("ix_news_link_report", table_name="news_link")
    op.drop_table("news_link")
    op.drop_index("ix_news_story_outlet_published", table_name="news_story")
    op.drop_index("ix_news_story_published", table_name="news_story")
    op.drop_table("news_story")
