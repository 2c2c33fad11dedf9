"""A cited report's draft paragraph, prefilled from fields the catalogue does not tag PII.

What goes in is decided from the catalogue alone, never from a list of field names: the
type, times, priority and office from the envelope; top-level choice fields (category,
activity, threat type...); places, i.e. groups none of whose fields is PII or a way to
reach a person (a contact block has a phone and an email, so it is left out); and the
number of entries in each list (subjects, seized property). Free text is never copied, even
where it is not tagged PII: a title or a note can hold anything.
"""

from datetime import datetime
from typing import Any

from sen_server.models import Report
from shared.catalogue import get_type
from shared.fields import FieldKind, FieldSpec

_CONTACT_KINDS = {FieldKind.EMAIL, FieldKind.PHONE}
_PLACE_KINDS = {FieldKind.TEXT, FieldKind.ENUM}


def _is_place(spec: FieldSpec) -> bool:
    fields = spec.fields or []
    return (
        spec.kind is FieldKind.GROUP
        and not spec.pii
        and spec.prefill is None
        and all(f.kind in _PLACE_KINDS and not f.pii for f in fields)
        and not any(f.kind in _CONTACT_KINDS for f in fields)
    )


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "time not given"


def facts(report: Report) -> list[str]:
    """The report's non-PII facts as short phrases, in catalogue order."""
    spec = get_type(report.type)
    body: dict[str, Any] = report.body or {}
    phrases: list[str] = []
    for field in spec.fields:
        value = body.get(field.name)
        if field.pii or value in (None, "", [], {}):
            continue
        if field.kind is FieldKind.ENUM:
            phrases.append(f"{field.label}: {str(value).replace('_', ' ')}")
        elif _is_place(field) and isinstance(value, dict):
            parts = [str(value[f.name]) for f in field.fields or [] if value.get(f.name)]
            if parts:
                phrases.append(f"{field.label}: {', '.join(parts)}")
        elif field.kind is FieldKind.LIST and isinstance(value, list):
            phrases.append(f"{field.label}: {len(value)}")
    return phrases


def draft_paragraph(report: Report, office: str | None) -> str:
    spec = get_type(report.type)
    lead = (
        f"{spec.label} {report.id} ({report.priority}), "
        f"{spec.event_at_label.lower()} {_stamp(report.event_at)}, "
        f"submitted {_stamp(report.submitted_at)} by {office or 'an unnamed office'}."
    )
    details = facts(report)
    return lead + (" " + "; ".join(details) + "." if details else "")
