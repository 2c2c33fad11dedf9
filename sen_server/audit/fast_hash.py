"""Link hashes of stored audit rows, computed from the raw column values.

`audit verify` recomputes every record's hash. Loaded as ORM objects and hashed by
chain.record_hash (``strftime``, ``json.dumps``) a record cost ~45 µs (verify did ~22,000
a second on a quiet machine); here, from the driver's row, ~2-3 µs (msgspec instead of
json, the stored timestamp text instead of a datetime, role lists and repeated details
cached). The bytes hashed are the ones chain.canonical_form yields, and that is the whole
contract: a shortcut is taken only where it provably gives those bytes (tests/server/
test_audit_fast_hash.py compares the two on generated values). For anything else —
floats in the details (their JSON spelling differs between encoders), text that is not
canonical JSON, a timestamp not in the stored format, a non-text value in a text column —
the hash is ``None`` and the caller recomputes it the slow, reference way.
"""

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import msgspec

# A stored row, in this column order (sql.py reads them so); the walk needs only the first
# three.
SEQ, PREV_HASH, HASH, AT, ACTOR, ROLES, SESSION, SOURCE, ACTION = range(9)
OBJECT_TYPE, OBJECT_ID, OUTCOME, DETAILS = range(9, 13)
Row = Sequence[Any]
# The canonical 'at' of a stored timestamp, or None where the shortcut does not apply.
AtText = Callable[[Any], str | None]


class _Canonical(msgspec.Struct):
    """chain.canonical_form's object. Fields in sorted order, as ``sort_keys`` puts them;
    roles and details arrive already encoded."""

    action: Any
    actor: Any
    at: str
    details: msgspec.Raw
    object_id: Any
    object_type: Any
    outcome: Any
    roles: msgspec.Raw
    seq: int
    session: Any
    source: Any


class _FloatSeen(Exception):
    pass


def _refuse_float(_: str) -> Any:
    raise _FloatSeen


# Decodes JSON exactly as json.loads does, or raises: everything json.loads reads
# differently (NaN, lone surrogates, huge numbers) msgspec rejects, and floats are
# refused here because msgspec spells some of them differently (1e+16 vs 1e16).
_decode = msgspec.json.Decoder(float_hook=_refuse_float).decode
_encode_sorted = msgspec.json.Encoder(order="sorted").encode
_encode = msgspec.json.Encoder().encode
# The reference encoder, with canonical_form's options, for the few cached role lists.
_reference_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

# SQLAlchemy stores SQLite datetimes as naive UTC text in exactly this shape. Years below
# 1000 are left out: strftime's %Y does not pad them to four digits.
_SQLITE_AT = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_match_sqlite_at = _SQLITE_AT.fullmatch
_fromisoformat = datetime.fromisoformat
_DETAILS_CACHE_SIZE = 4096


def sqlite_at(stored: Any) -> str | None:
    """'2026-11-24 16:25:00.123456' → '2026-11-24T16:25:00.123456Z' (what strftime gives
    for the datetime SQLAlchemy would read), if the text is in that exact shape and is a
    real date and time."""
    if type(stored) is not str or _match_sqlite_at(stored) is None:
        return None
    try:
        _fromisoformat(stored)  # rejects month 13, February 30, 24:00 ...
    except ValueError:
        return None
    return f"{stored[:10]}T{stored[11:]}Z"


def postgres_at(stored: Any) -> str | None:
    """PostgreSQL formats the timestamp itself (sql.py), or gives NULL."""
    return stored if type(stored) is str else None


class LinkHasher:
    """Recomputes the link hash of stored rows; caches the canonical JSON of role lists
    and of recent details texts, which repeat a great deal (``{}``, the same filters)."""

    def __init__(self, at_text: AtText) -> None:
        self._at_text = at_text
        self._roles: dict[Any, msgspec.Raw] = {}
        self._details: dict[Any, msgspec.Raw] = {}

    def hashes(self, rows: Sequence[Row]) -> list[str | None]:
        """The link hash of each row, or None where only the reference way may compute it."""
        at_text, roles_json, details_json = self._at_text, self._roles_json, self._details_json
        roles_cache, details_cache = self._roles, self._details
        sha256, encode, canonical = hashlib.sha256, _encode, _Canonical
        out: list[str | None] = []
        append = out.append
        for (
            seq,
            prev_hash,
            _,  # the stored hash: the caller compares
            at,
            actor,
            roles,
            session,
            source,
            action,
            object_type,
            object_id,
            outcome,
            details,
        ) in rows:
            # Looked up here, not in the methods: two calls a record saved (~10 %).
            at = at_text(at)
            roles = roles_cache.get(roles) or roles_json(roles)
            details = details_cache.get(details) or details_json(details)
            if (
                at is None
                or roles is None
                or details is None
                or type(prev_hash) is not str
                # A SQLite text column can also hold a BLOB: json.dumps refuses bytes,
                # msgspec would write them as base64.
                or type(actor) is bytes
                or type(session) is bytes
                or type(source) is bytes
                or type(action) is bytes
                or type(object_type) is bytes
                or type(object_id) is bytes
                or type(outcome) is bytes
            ):
                append(None)
                continue
            body = encode(
                canonical(
                    action,
                    actor,
                    at,
                    details,
                    object_id,
                    object_type,
                    outcome,
                    roles,
                    seq,
                    session,
                    source,
                )
            )
            append(sha256(b"%s\n%s" % (prev_hash.encode(), body)).hexdigest())
        return out

    def _roles_json(self, stored: Any) -> msgspec.Raw | None:
        if type(stored) is not str:
            return None
        cached = self._roles.get(stored)
        if cached is None:
            try:
                # The reference way (sorted(list(json.loads(...))), json.dumps): role lists
                # are few, so exactness costs nothing here.
                cached = msgspec.Raw(_reference_json.encode(sorted(json.loads(stored))).encode())
            except Exception:  # whatever the reference way makes of it, it shall make
                return None
            if len(self._roles) < _DETAILS_CACHE_SIZE:
                self._roles[stored] = cached
        return cached

    def _details_json(self, stored: Any) -> msgspec.Raw | None:
        if type(stored) is not str:
            return None  # json.loads also reads bytes, in UTF-16 and UTF-32 too
        cached = self._details.get(stored)
        if cached is None:
            try:
                value = _decode(stored)
                if type(value) is not dict:
                    return None  # chain.record_hash takes dict(details): leave it the odd cases
                cached = msgspec.Raw(_encode_sorted(value))
            except Exception:  # floats, and all that msgspec refuses: the reference way
                return None
            if len(self._details) >= _DETAILS_CACHE_SIZE:
                self._details.clear()
            self._details[stored] = cached
        return cached
