"""Queue cursors: where the next page starts, opaque to clients.

A cursor is the base64url (unpadded) JSON of the queue's name and the last row's sort key
and report id. It is not signed: a client that forges one only moves around inside rows it
may read anyway. It is checked strictly, since it comes from outside: anything but a cursor
of this queue is a 422 naming the ``cursor`` parameter, never a server error.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sen_server.errors import ApiError, validation_failed
from shared.enums import QueueName
from shared.schemas import FieldError

MAX_CURSOR = 300  # characters; a real one is about 120
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_REPORT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class Position:
    """A row's place in a queue: its sort key (newest first) and its id (ties)."""

    key: datetime
    report_id: str


def encode_cursor(queue: QueueName, position: Position) -> str:
    document = {"q": queue.value, "k": position.key.isoformat(), "id": position.report_id}
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(queue: QueueName, text: str) -> Position:
    if len(text) > MAX_CURSOR or not _BASE64URL.fullmatch(text):
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        document = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(document, dict) or set(document) != {"q", "k", "id"}:
        raise _bad_cursor()
    name, key, report_id = document["q"], document["k"], document["id"]
    if name != queue.value:
        raise _bad_cursor("belongs to another queue")
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
    return Position(when, report_id)


def _bad_cursor(why: str = "is not a cursor this server gave out") -> ApiError:
    message = f"{why}: ask for the first page again (without a cursor)"
    return validation_failed([FieldError(field="cursor", message=message)])
