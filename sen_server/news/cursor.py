"""The news list's cursor: the last row's publication time and id, opaque to clients.

Not signed, as the queues' cursors (``queues.cursor``): a forged one only moves around
inside stories the caller may read anyway. Anything but a cursor this server gave out is a
422 naming ``cursor``."""

import base64
import binascii
import json
import re
from datetime import datetime

from sen_server.errors import ApiError, validation_failed
from shared.schemas import FieldError

MAX_CURSOR = 200
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_REPORT_ID = re.compile(r"NEWS-\d{4}-\d{6,}")


def encode_news_cursor(published_at: datetime, report_id: str) -> str:
    raw = json.dumps({"k": published_at.isoformat(), "id": report_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_news_cursor(text: str) -> tuple[datetime, str]:
    if len(text) > MAX_CURSOR or not _BASE64URL.fullmatch(text):
        raise _bad_cursor()
    try:
        document = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(document, dict) or set(document) != {"k", "id"}:
        raise _bad_cursor()
    key, report_id = document["k"], document["id"]
    if not isinstance(report_id, str) or not _REPORT_ID.fullmatch(report_id):
        raise _bad_cursor()
    if not isinstance(key, str):
        raise _bad_cursor()
    try:
        when = datetime.fromisoformat(key)
    except ValueError as exc:
        raise _bad_cursor() from exc
    if when.tzinfo is None:
        raise _bad_cursor()
    return when, report_id


def _bad_cursor() -> ApiError:
    message = "is not a cursor this server gave out: ask for the first page again"
    return validation_failed([FieldError(field="cursor", label="Cursor", message=message)])
