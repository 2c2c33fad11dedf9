"""statistics rollup: reports counted per day, week and month and envelope/enum values

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 02:30:00

``stats_rollup`` is kept in step by the report writes themselves (``sen_server.stats.
rollup``); existing reports are counted here once, in SQL. The vocabularies are copied, not
imported: a migration must keep meaning what it meant when it was written, whatever the
catalogue says later.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIR_CATEGORIES = (
    "arrest", "seizure", "assault_on_employee", "firearm_discharge", "use_of_force",
    "employee_injury_or_death", "detainee_injury_or_death", "escape", "other",
)  # fmt: skip
LEARA_DISPOSITIONS = (
    "open", "forwarded", "assistance_provided", "declined", "referred", "completed",
)  # fmt: skip


def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # literals of our own, never input


# (the counted instant, category, disposition) of a report, per dialect.
_EXPRESSIONS = {
    "sqlite": (
        "COALESCE(submitted_at, created_at)",
        "json_extract(body, '$.category')",
        "json_extract(body, '$.disposition_status')",
    ),
    "postgresql": (
        "(COALESCE(submitted_at, created_at) AT TIME ZONE 'UTC')",
        "body ->> 'category'",
        "body ->> 'disposition_status'",
    ),
}
# The first day of a grain's period holding the instant ``{t}`` (UTC): the day, the ISO
# week's Monday, the month's first day.
_STARTS = {
    "sqlite": {
        "d": "date({t})",
        "w": "date({t}, 'weekday 0', '-6 days')",
        "m": "date({t}, 'start of month')",
    },
    "postgresql": {
        "d": "CAST({t} AS date)",
        "w": "CAST(date_trunc('week', {t}) AS date)",
        "m": "CAST(date_trunc('month', {t}) AS date)",
    },
}


def backfill_sql(dialect: str, grain: str) -> str:
    at, category, disposition = _EXPRESSIONS[dialect]
    start = _STARTS[dialect][grain].format(t=at)
    return f"""
        INSERT INTO stats_rollup
            (grain, start, type, program, office_id, status, category, disposition, late,
             reports)
        SELECT '{grain}', {start}, type, program, COALESCE(author_office_id, 0), status,
            CASE WHEN type IN ('SIR', 'OPPRED') AND {category} IN ({_in(SIR_CATEGORIES)})
                THEN {category} ELSE '' END,
            CASE WHEN type = 'LEARA' AND {disposition} IN ({_in(LEARA_DISPOSITIONS)})
                THEN {disposition} ELSE '' END,
            late, COUNT(*)
        FROM report
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    """  # noqa: S608 (no input: column expressions and vocabularies of this file)


GRAINS = ("d", "w", "m")


def upgrade() -> None:
    op.create_table(
        "stats_rollup",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("program", sa.String(length=8), nullable=False),
        sa.Column("office_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("disposition", sa.String(length=40), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "start", "type", "program", "office_id", "status", "category",
            "disposition", "late",
        ),  # fmt: skip
    )
    dialect = op.get_bind().dialect.name
    for grain in GRAINS:
        op.execute(backfill_sql(dialect, grain))


def downgrade() -> None:
    op.drop_table("stats_rollup")
