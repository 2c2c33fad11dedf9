"""Admin-editable workflow data: per-type review policy and routing rules (SPEC §3, §4)."""

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import ReviewRule, RoutingRule
from shared.enums import OfficeKind, ReportType
from shared.fields import ReviewPolicy

FIXED_TARGETS = ("author_chain", "broadcast")


def target_problem(target: str) -> str:
    """'' if the routing target is understood, else what is wrong with it."""
    if target in FIXED_TARGETS:
        return ""
    scope, _, kind = target.partition(":")
    if scope in ("aor", "office_kind") and kind in OfficeKind._value2member_map_:
        return ""
    return "must be author_chain, broadcast, aor:<office kind> or office_kind:<office kind>"


async def configured_review_policy(
    session: AsyncSession, report_type: ReportType
) -> ReviewPolicy | None:
    """The stored review policy for a type (seeded from SPEC §3 by the migrations)."""
    rule = await session.get(ReviewRule, str(report_type))
    return ReviewPolicy(rule.policy) if rule else None


async def review_rules(session: AsyncSession) -> dict[str, str]:
    return {r.report_type: r.policy for r in (await session.exec(select(ReviewRule))).all()}


async def set_review_rule(
    session: AsyncSession, report_type: ReportType, policy: ReviewPolicy
) -> None:
    rule = await session.get(ReviewRule, str(report_type))
    rule = rule or ReviewRule(report_type=report_type, policy=policy)
    rule.policy = policy
    session.add(rule)


async def routing_targets(session: AsyncSession, report_type: str) -> list[str]:
    rows = await session.exec(
        select(RoutingRule.target)
        .where(RoutingRule.report_type == report_type)
        .order_by(col(RoutingRule.id))
    )
    return list(rows.all())


async def all_routing_rules(session: AsyncSession) -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {t.value: [] for t in ReportType}
    for rule in (await session.exec(select(RoutingRule).order_by(col(RoutingRule.id)))).all():
        rules.setdefault(rule.report_type, []).append(rule.target)
    return rules


async def replace_routing_targets(
    session: AsyncSession, report_type: ReportType, targets: list[str]
) -> None:
    await session.exec(delete(RoutingRule).where(col(RoutingRule.report_type) == report_type))
    for target in dict.fromkeys(targets):
        session.add(RoutingRule(report_type=report_type, target=target))
    await session.flush()
