"""Office fields (``FieldKind.OFFICE``, e.g. a SPOT's authorizing office) hold the code of
an office SEN knows: shared validation checks the shape, only the server knows the offices."""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Office
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.labels import label_of
from shared.schemas import FieldError


async def unknown_office_errors(
    session: AsyncSession, spec: ReportTypeSpec, body: dict[str, Any]
) -> list[FieldError]:
    """An error at each office field of ``body`` (a cleaned body) naming no known office."""
    found = list(_office_values(spec.fields, body, "body"))
    if not found:
        return []
    codes = {code for _, code in found}
    known = set((await session.exec(select(Office.code).where(col(Office.code).in_(codes)))).all())
    return [
        FieldError(field=path, message="is not an office SEN knows", label=label_of(spec, path))
        for path, code in found
        if code not in known
    ]


def _office_values(
    fields: Sequence[FieldSpec], data: dict[str, Any], path: str
) -> Iterator[tuple[str, str]]:
    for f in fields:
        value = data.get(f.name)
        here = f"{path}.{f.name}"
        if f.kind is FieldKind.OFFICE and isinstance(value, str):
            yield here, value
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            yield from _office_values(f.fields or [], value, here)
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _office_values(f.fields or [], item, f"{here}.{index}")
