"""Checking, masking and comparing report bodies against their type (SPEC §2, §13).

Type checks are done by pydantic models built from the catalogue (one per type, cached);
the "required to submit" rule is a separate walk over the specs, because drafts share the
same models and may leave anything out.

Bodies hold personal data, so no message made here ever contains a submitted value:
pydantic's own messages (and its ``input``) are dropped and replaced by messages written
from the field's definition alone.
"""

import copy
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import ErrorDetails

from shared.ages import age_errors
from shared.dates import plausible_date
from shared.diff import changed_names
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec
from shared.labels import label_of
from shared.schemas import FieldError

MAX_BODY_BYTES = 1024 * 1024  # SPEC §2: bodies over 1 MiB are refused
CLOCK_SKEW = timedelta(minutes=5)  # an author's clock may run a little ahead of ours
REDACTED = "[REDACTED]"

A_NUMBER_PATTERN = r"^A\d{8,9}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{5,30}(\s*(x|ext\.?)\s*[0-9]{1,6})?$"
URL_PATTERN = r"^https?://[^\s/]+\S*$"
REPORT_ID_PATTERN = r"^[A-Z][A-Z_]*-\d{4}-\d{6,}$"  # e.g. SIR-2026-000042
DECIMAL_DIGITS, DECIMAL_PLACES = 18, 4

_PATTERNS = {
    FieldKind.A_NUMBER: A_NUMBER_PATTERN,
    FieldKind.EMAIL: EMAIL_PATTERN,
    FieldKind.PHONE: PHONE_PATTERN,
    FieldKind.URL: URL_PATTERN,
}

_KIND_MESSAGES = {
    FieldKind.TEXT: "must be text",
    FieldKind.LONG_TEXT: "must be text",
    FieldKind.DATETIME: "must be an ISO 8601 date and time with a UTC offset, "
    "e.g. 2026-03-01T14:30:00Z",
    FieldKind.DATE: "must be a date in the form YYYY-MM-DD",
    FieldKind.INTEGER: "must be a whole number",
    FieldKind.DECIMAL: f"must be a number with at most {DECIMAL_DIGITS} digits, "
    f"{DECIMAL_PLACES} of them after the decimal point",
    FieldKind.BOOLEAN: "must be true or false",
    FieldKind.A_NUMBER: "must be A followed by 8 or 9 digits",
    FieldKind.EMAIL: "must be an email address",
    FieldKind.PHONE: "must be a phone number: digits, spaces, + - ( ) and an optional extension",
    FieldKind.URL: "must be an http:// or https:// address",
    FieldKind.REPORT_IDS: "must be a list of report IDs",
    FieldKind.OFFICE: "must be an office code from the office list",
    FieldKind.GROUP: "must be an object",
    FieldKind.LIST: "must be a list",
}
_REPORT_ID_MESSAGE = "must be a report ID such as SIR-2026-000042"

# ---- building models from specs -----------------------------------------------------

_CONFIG = ConfigDict(extra="forbid")
_models: dict[int, tuple[ReportTypeSpec, type[BaseModel]]] = {}


def body_model(spec: ReportTypeSpec) -> type[BaseModel]:
    """The pydantic model of ``spec``'s body, built once per spec object."""
    cached = _models.get(id(spec))
    # Keyed by identity (specs hold lists, so they don't hash); keeping the spec in the
    # entry stops its id from being reused by another object.
    if cached is None or cached[0] is not spec:
        cached = (spec, _build_model(spec.code, spec.fields))
        _models[id(spec)] = cached
    return cached[1]


def _build_model(name: str, fields: Sequence[FieldSpec]) -> type[BaseModel]:
    definitions: dict[str, Any] = {
        f.name: (_annotation(f, f"{name}_{f.name}"), None) for f in fields
    }
    return create_model(name, __config__=_CONFIG, **definitions)


def _annotation(f: FieldSpec, model_name: str) -> Any:
    """The type of one field: always optional, since drafts may leave anything out."""
    if f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        # One-line text is trimmed; a narrative keeps its layout.
        strip = f.kind is FieldKind.TEXT
        text = Annotated[str, StringConstraints(strip_whitespace=strip, max_length=f.max_length)]
        return text | None
    return Annotated[_value_type(f, model_name) | None, BeforeValidator(_blank_to_none)]


def _value_type(f: FieldSpec, model_name: str) -> Any:
    match f.kind:
        case FieldKind.ENUM:
            return Annotated[str, AfterValidator(_one_of(f.enum or []))]
        case FieldKind.DATETIME:
            return Annotated[
                AwareDatetime,
                AfterValidator(lambda d: d.astimezone(UTC)),
                AfterValidator(plausible_date),
                BeforeValidator(_only(str, datetime)),
            ]
        case FieldKind.DATE:
            return Annotated[
                date, AfterValidator(plausible_date), BeforeValidator(_only(str, date))
            ]
        case FieldKind.INTEGER:
            return Annotated[StrictInt, Field(ge=f.min_value, le=f.max_value)]
        case FieldKind.DECIMAL:
            return Annotated[
                Decimal,
                Field(
                    ge=f.min_value,
                    le=f.max_value,
                    allow_inf_nan=False,
                    max_digits=DECIMAL_DIGITS,
                    decimal_places=DECIMAL_PLACES,
                ),
                # Strings, so that no amount passes through a float on the way out.
                PlainSerializer(lambda d: format(d, "f"), return_type=str),
            ]
        case FieldKind.BOOLEAN:
            return StrictBool
        case FieldKind.OFFICE:
            # An office code; whether that office exists is the server's to say.
            return Annotated[str, StringConstraints(strip_whitespace=True, max_length=f.max_length)]
        case FieldKind.A_NUMBER | FieldKind.EMAIL | FieldKind.PHONE | FieldKind.URL:
            return Annotated[
                str,
                StringConstraints(
                    strip_whitespace=True, max_length=f.max_length, pattern=_PATTERNS[f.kind]
                ),
            ]
        case FieldKind.REPORT_IDS:
            report_id = Annotated[
                str, StringConstraints(strip_whitespace=True, pattern=REPORT_ID_PATTERN)
            ]
            return Annotated[list[report_id], Field(max_length=f.max_items)]
        case FieldKind.GROUP:
            return _build_model(model_name, f.fields or [])
        case FieldKind.LIST:
            item = _build_model(model_name, f.fields or [])
            return Annotated[list[item], Field(max_length=f.max_items)]  # type: ignore[valid-type]
    raise ValueError(f"no type for field kind {f.kind}")


def _blank_to_none(value: Any) -> Any:
    # A form's empty input arrives as "": for a date or an A-number that means "not given".
    return None if isinstance(value, str) and not value.strip() else value


def _one_of(allowed: list[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("not an allowed value")
        return value

    return check


def _only(*types: type) -> Callable[[Any], Any]:
    """Refuse what pydantic would coerce but a person never meant (e.g. 1700000000 as a date)."""

    def check(value: Any) -> Any:
        if value is not None and not isinstance(value, types):
            raise ValueError("wrong type")
        return value

    return check


# ---- validating bodies --------------------------------------------------------------


def validate_body(
    spec: ReportTypeSpec,
    body: dict[str, Any],
    *,
    for_submit: bool,
    event_at: datetime | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check ``body`` against ``spec``; return the cleaned body and the errors.

    The cleaned body is JSON-ready (dates and datetimes as ISO strings, datetimes in UTC,
    decimals as strings) and holds only the fields that were sent. It is ``{}`` when the
    body has type errors; missing required fields alone still yield it. ``for_submit``
    adds the required-to-submit check; drafts may be incomplete. ``event_at`` (the
    report's event time) is the day ages are checked against dates of birth on
    (``shared.ages``); without it that check waits.
    """
    if _json_size(body) > MAX_BODY_BYTES:
        return {}, [FieldError(field="body", message="must be at most 1 MiB")]
    cleaned: dict[str, Any] = {}
    try:
        model = body_model(spec).model_validate(body)
    except ValidationError as exc:
        errors = _translate(spec, exc.errors(include_input=False, include_url=False))
    else:
        cleaned = model.model_dump(mode="json", exclude_unset=True)
        errors = age_errors(spec.fields, cleaned, event_at)
    if for_submit and isinstance(body, dict):
        seen = {e.field for e in errors}
        errors += [e for e in _missing_required(spec.fields, body, "body") if e.field not in seen]
    return cleaned, [_labelled(spec, e) for e in errors]


def _labelled(spec: ReportTypeSpec, error: FieldError) -> FieldError:
    return error.model_copy(update={"label": label_of(spec, error.field)})


def _json_size(body: Any) -> int:
    try:
        return len(json.dumps(body, ensure_ascii=False, default=str).encode())
    except (TypeError, ValueError):  # not JSON at all: the model will say what is wrong
        return 0


def _translate(spec: ReportTypeSpec, details: list[ErrorDetails]) -> list[FieldError]:
    errors: list[FieldError] = []
    for d in details:
        error = FieldError(field=_path(d["loc"]), message=_message(spec, d))
        if error not in errors:
            errors.append(error)
    return errors


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}|\d{1,9}")
INVALID_NAME = "(invalid name)"


def safe_key(part: int | str) -> str:
    """One part of a field path as it may be repeated back to the client.

    An unknown key is the client's text and could be anything, even personal data:
    only name-like keys (and list indexes) are repeated back.
    """
    return str(part) if isinstance(part, int) or _NAME.fullmatch(part) else INVALID_NAME


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(["body", *(safe_key(p) for p in loc)])


def _message(spec: ReportTypeSpec, d: ErrorDetails) -> str:
    kind = d["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    f, in_list = _resolve(spec.fields, d["loc"])
    if f is None:
        return "must be an object"
    if kind == "string_too_long":
        return f"must be at most {f.max_length} characters"
    if kind == "too_long":
        return f"must have at most {f.max_items} entries"
    if kind == "greater_than_equal":
        return f"must be at least {f.min_value}"
    if kind == "less_than_equal":
        return f"must be at most {f.max_value}"
    if f.kind is FieldKind.ENUM:
        return "must be one of: " + ", ".join(f.enum or [])
    if in_list:  # an entry of a list, not the list itself
        if f.kind is FieldKind.REPORT_IDS:
            return _REPORT_ID_MESSAGE
        return "must be an object"
    return _KIND_MESSAGES[f.kind]


def _resolve(
    fields: Sequence[FieldSpec], loc: tuple[int | str, ...]
) -> tuple[FieldSpec | None, bool]:
    """The spec an error location points at, and whether it points at one of its entries."""
    f: FieldSpec | None = None
    in_list = False
    for part in loc:
        if isinstance(part, int):
            in_list = True
            continue
        f = next((c for c in fields if c.name == part), None)
        if f is None:
            return None, False
        fields, in_list = f.fields or [], False
    return f, in_list


def _missing_required(
    fields: Sequence[FieldSpec], data: dict[str, Any], path: str
) -> Iterator[FieldError]:
    """Required fields left empty, including inside groups and list entries that exist."""
    for f in fields:
        value = data.get(f.name)
        here = f"{path}.{f.name}"
        if _is_empty(value):
            if f.required:
                message = "needs at least one entry" if f.kind is FieldKind.LIST else "is required"
                yield FieldError(field=here, message=f"{message} to submit")
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            yield from _missing_required(f.fields or [], value, here)
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _missing_required(f.fields or [], item, f"{here}.{i}")


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


# ---- the envelope -------------------------------------------------------------------

_ARTICLE = {"SIR": "an", "OPPRED": "an"}  # as the codes are read out


def validate_envelope_for_submit(
    spec: ReportTypeSpec, *, title: str | None, event_at: datetime | None, now: datetime
) -> list[FieldError]:
    """The envelope rules of submission: a title, an event time, and no future incidents."""
    errors = []
    if not title or not title.strip():
        errors.append(FieldError(field="title", message="is required to submit"))
    if event_at is None:
        errors.append(FieldError(field="event_at", message="is required to submit"))
    elif spec.event_at_not_future and _as_utc(event_at) > _as_utc(now) + CLOCK_SKEW:
        article = _ARTICLE.get(spec.code, "a")
        message = f"{article} {spec.code} cannot be dated in the future"
        errors.append(FieldError(field="event_at", message=message))
    return [_labelled(spec, e) for e in errors]


def _as_utc(moment: datetime) -> datetime:
    # A naive time from our own code is UTC by convention (the wire always has offsets).
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ---- PII ----------------------------------------------------------------------------


def pii_paths(spec: ReportTypeSpec) -> list[str]:
    """Dotted paths of the PII fields in a body, ``*`` standing for any list entry."""
    return list(_pii_paths(spec.fields, ""))


def _pii_paths(fields: Sequence[FieldSpec], prefix: str) -> Iterator[str]:
    for f in fields:
        path = prefix + f.name
        if f.pii:
            yield path
        elif f.kind is FieldKind.GROUP:
            yield from _pii_paths(f.fields or [], path + ".")
        elif f.kind is FieldKind.LIST:
            yield from _pii_paths(f.fields or [], path + ".*.")


def mask_pii(spec: ReportTypeSpec, body: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``body`` with every non-empty PII value replaced by ``[REDACTED]``.

    A key the spec does not know (say, a field since removed from the catalogue) is
    masked too: what we cannot classify we do not disclose.
    """
    masked = copy.deepcopy(body)
    _mask(spec.fields, masked)
    return masked


def _mask(fields: Sequence[FieldSpec], data: dict[str, Any]) -> None:
    by_name = {f.name: f for f in fields}
    for key, value in data.items():
        f = by_name.get(key)
        if _is_empty(value):
            continue
        if f is None or f.pii:
            data[key] = REDACTED
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            _mask(f.fields or [], value)
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _mask(f.fields or [], item)


# ---- audit --------------------------------------------------------------------------


def changed_fields(
    spec: ReportTypeSpec, old_body: dict[str, Any], new_body: dict[str, Any]
) -> list[str]:
    """Names of the top-level body fields whose values differ, in the spec's order.

    For audit details: names only, never values (``shared.diff`` decides what differs).
    """
    changed = changed_names(old_body, new_body)
    known = [f.name for f in spec.fields]
    return [name for name in known if name in changed] + sorted(changed - set(known))
