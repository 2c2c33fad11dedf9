"""fast_hash gives the bytes chain.canonical_form gives, or gives up.

`audit verify` trusts fast_hash's digest of a record wherever it matches the stored hash,
so for every stored record it must either give exactly chain.record_hash's digest or
``None`` (the record then goes the reference way). Checked here on generated records, as
SQLite stores them (through the columns' own SQLAlchemy types) and as PostgreSQL hands
them back, and on real databases through verify itself.
"""

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

from sen_server.audit.chain import GENESIS_HASH, canonical_form, link_hash, record_hash
from sen_server.audit.fast_hash import (
    LinkHasher,
    _decode,
    _encode_sorted,
    postgres_at,
    sqlite_at,
)
from sen_server.audit.sql import full_rows_sql
from sen_server.audit.verify import verify_chain
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings

SQLITE = sqlite.dialect()
COLUMNS = AuditRecord.__table__.c  # type: ignore[attr-defined]
TEXT_FIELDS = ("actor", "session", "source", "action", "object_type", "object_id", "outcome")

# What the audit details hold: strings (any code point but lone surrogates, which no
# database column can hold), integers of any size, booleans, None, nested lists and
# objects; and floats, which fast_hash must hand back to the reference way.
text = st.text()
scalars = st.none() | st.booleans() | st.integers() | text
scalars_and_floats = scalars | st.floats(allow_nan=True, allow_infinity=True)


def json_values(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=20,
    )


details_without_floats = st.dictionaries(text, json_values(scalars), max_size=6)
details_any = st.dictionaries(text, json_values(scalars_and_floats), max_size=6)
aware_datetimes = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)


def reference_json(value: Any) -> bytes:
    """canonical_form's JSON options."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@st.composite
def records(draw: st.DrawFn, details: st.SearchStrategy[Any] = details_without_floats) -> dict:
    fields: dict[str, Any] = {name: draw(st.none() | text) for name in TEXT_FIELDS}
    fields |= {
        "seq": draw(st.integers(min_value=1, max_value=2**31 - 1)),
        "at": draw(aware_datetimes),
        "roles": draw(st.lists(text, max_size=4)),
        "details": draw(details),
        "prev_hash": draw(st.just(GENESIS_HASH) | st.text(alphabet="0123456789abcdef")),
    }
    return fields


def as_stored_in_sqlite(fields: dict[str, Any]) -> tuple[Any, ...]:
    """The values SQLite holds for these fields: each through its column's bind processing
    (UTCDateTime to naive UTC text, JSON through json.dumps)."""
    stored = {}
    for name, value in fields.items():
        process = COLUMNS[name].type.dialect_impl(SQLITE).bind_processor(SQLITE)
        stored[name] = process(value) if process else value
    return (
        stored["seq"],
        stored["prev_hash"],
        "unused",  # the stored hash: not an input to the digest
        stored["at"],
        *(stored[name] for name in ("actor", "roles", "session", "source", "action")),
        *(stored[name] for name in ("object_type", "object_id", "outcome", "details")),
    )


def reference_digest_sqlite(stored: tuple[Any, ...]) -> str:
    """chain.record_hash of the ORM object SQLAlchemy would read from these values."""
    names = ["seq", "prev_hash", "hash", "at", "actor", "roles", "session", "source", "action"]
    names += ["object_type", "object_id", "outcome", "details"]
    values = {}
    for name, value in zip(names, stored, strict=True):
        column_type = COLUMNS[name].type.dialect_impl(SQLITE)
        process = column_type.result_processor(SQLITE, None) if name != "hash" else None
        values[name] = process(value) if process else value
    return record_hash(SimpleNamespace(**values))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_sqlite_rows_hash_as_the_reference(fields: dict[str, Any]) -> None:
    stored = as_stored_in_sqlite(fields)
    digest = LinkHasher(sqlite_at).hashes([stored])[0]
    expected = reference_digest_sqlite(stored)
    assert expected == link_hash(fields["prev_hash"], canonical_form(**_fields(fields)))
    if fields["at"].year >= 1000:
        assert digest == expected  # the shortcut is taken, and right
    else:
        assert digest in (None, expected)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(details_any))
def test_with_floats_the_digest_is_the_reference_or_none(fields: dict[str, Any]) -> None:
    stored = as_stored_in_sqlite(fields)
    try:
        expected: str | None = reference_digest_sqlite(stored)
    except ValueError:  # NaN or infinity: json.dumps writes them, nothing reads them back
        expected = None
    assert LinkHasher(sqlite_at).hashes([stored])[0] in (None, expected)


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != "prev_hash"}


@settings(max_examples=300, deadline=None)
@given(json_values(scalars_and_floats), st.sampled_from(["compact", "ascii", "spaced"]))
def test_the_decoder_reads_as_json_loads_or_refuses(value: Any, style: str) -> None:
    """Whatever JSON text a database hands back (SQLAlchemy's json.dumps, PostgreSQL's
    jsonb output), msgspec reads it as json.loads does, or refuses it."""
    try:
        text_ = {
            "compact": lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False),
            "ascii": json.dumps,
            "spaced": lambda v: json.dumps(v, indent=1, ensure_ascii=False),
        }[style](value)
    except ValueError:
        return
    try:
        decoded = _decode(text_)
    except Exception:
        return
    assert reference_json(decoded) == reference_json(json.loads(text_))
    assert _encode_sorted(decoded) == reference_json(json.loads(text_))


@pytest.mark.parametrize(
    "text_",
    [
        '{"a": NaN}',
        '{"a": 1e400}',
        '{"a": 1e16}',
        '{"a": 1.5}',
        '{"a": -0.0}',
        '{"a": "\\ud800"}',
        '{"a": 1, "a": 2}',
        '{"a": "\x01"}',
        "[1]",
        '"text"',
        "not json",
        '{"n": ' + "9" * 5000 + "}",
    ],
)
def test_odd_details_go_the_reference_way(text_: str) -> None:
    """Floats, NaN, lone surrogates, duplicate keys, raw control characters, non-objects,
    huge numbers: either exactly the reference, or None."""
    stored = list(as_stored_in_sqlite(_sample()))
    stored[12] = text_
    digest = LinkHasher(sqlite_at).hashes([tuple(stored)])[0]
    try:
        expected: str | None = reference_digest_sqlite(tuple(stored))
    except (ValueError, TypeError):
        expected = None
    assert digest in (None, expected)
    if text_ == '{"a": 1, "a": 2}':
        assert digest == expected  # last one wins in both


def _sample() -> dict[str, Any]:
    return {
        "seq": 7,
        "at": datetime(2026, 11, 24, 16, 25, 0, 123456, tzinfo=UTC),
        "actor": "jos\u00e9",
        "roles": ["b", "a"],
        "session": None,
        "source": "127.0.0.1",
        "action": "auth.login",
        "object_type": None,
        "object_id": None,
        "outcome": "failure",
        "details": {"username_tried": '\u674e\n"x"', "n": 2**70, "ok": True, "l": [None]},
        "prev_hash": GENESIS_HASH,
    }


@pytest.mark.parametrize(
    "stored_at",
    [
        "2026-11-24 16:25:00.123456",
        "2026-11-24 16:25:00",  # no fraction
        "2026-11-24T16:25:00.123456",  # another separator
        "2026-11-24 16:25:00.123456+02:00",  # an offset: SQLAlchemy would shift it
        "2026-02-30 16:25:00.123456",  # no such day
        "2026-11-24 24:00:00.000000",
        "0999-11-24 16:25:00.123456",  # strftime writes the year as 999
        "2026-W01-1 16:25:00.123456",
        "\uff12\uff10\uff12\uff16-11-24 16:25:00.123456",  # full-width digits
    ],
)
def test_only_the_stored_timestamp_shape_is_taken_as_is(stored_at: str) -> None:
    try:
        expected = datetime.fromisoformat(stored_at)
    except ValueError:
        expected = None
    got = sqlite_at(stored_at)
    if got is None:
        return
    assert expected is not None and expected.tzinfo is None
    assert got == expected.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.postgres
async def test_postgres_spells_timestamps_as_strftime_does(pg_settings: ServerSettings) -> None:
    """sql.py has PostgreSQL write the canonical timestamp (to_char): for the years it
    does so, it is what strftime makes of the datetime asyncpg reads; NULL otherwise."""
    rng = random.Random(2026)
    stamps = [
        datetime(2026, 1, 5, 8, 0, tzinfo=UTC),  # no microseconds
        datetime(1000, 1, 1, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=-7))),
    ]
    stamps += [
        datetime(1, 1, 2, tzinfo=UTC)
        + timedelta(microseconds=rng.randrange(315_500_000_000_000_000))
        for _ in range(300)
    ]
    rows = [
        _fields(_sample()) | {"seq": seq, "at": at, "prev_hash": "x", "hash": "x"}
        for seq, at in enumerate(stamps, start=1)
    ]
    runtime = Runtime.build(pg_settings)
    try:
        async with runtime.engine.begin() as conn:
            await conn.execute(insert(AuditRecord), rows)
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            stored = await driver.fetch(full_rows_sql("postgresql"), 1, len(rows))
            read = dict(await driver.fetch("SELECT seq, at FROM audit_record"))
    finally:
        await runtime.engine.dispose()
    for row in stored:
        at = read[row[0]]
        # As the ORM reads it (UTCDateTime), then as canonical_form writes it.
        aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        expected = aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        got = postgres_at(row[3])
        assert got in (None, expected), (at, got)
        # asyncpg stores datetime.max and .min as ±infinity (and reads them back naive).
        if at.year >= 1000 and at.tzinfo is not None:
            assert got == expected, (at, got)


def test_a_blob_in_a_text_column_goes_the_reference_way() -> None:
    stored = list(as_stored_in_sqlite(_sample()))
    stored[4] = b"jos\xc3\xa9"  # msgspec would write bytes as base64; json.dumps refuses
    assert LinkHasher(sqlite_at).hashes([tuple(stored)]) == [None]


# ---- on real databases, through verify ----------------------------------------------------


async def test_verify_agrees_with_the_reference_on_odd_records(db_settings: ServerSettings) -> None:
    """Records with floats, huge integers, non-ASCII and control characters, written as the
    writer writes them: verify passes them all (the floats the reference way), and catches
    a wrong hash among them."""
    detail_values: list[dict[str, Any]] = [
        {"f": 1.5, "g": 1e-7},
        {"n": 2**70, "m": -(2**63)},
        # No NUL: PostgreSQL's jsonb cannot hold U+0000.
        {"s": "\u674e\x01\x1f\x7f\u2028\U0001f600", "nested": {"b": [1, {"a": None}]}},
        {},
        {"z": True, "a": False, "\u00e9": "e"},
    ]
    prev, rows = GENESIS_HASH, []
    for seq, details in enumerate(detail_values, start=1):
        fields = {**_fields(_sample()), "seq": seq, "details": details}
        digest = link_hash(prev, canonical_form(**fields))
        rows.append(fields | {"prev_hash": prev, "hash": digest})
        prev = digest
    runtime = Runtime.build(db_settings)
    try:
        async with runtime.engine.begin() as conn:
            await conn.execute(insert(AuditRecord), rows)
        async with runtime.sessions() as session:
            result = await verify_chain(session, runtime.signer)
        assert result.ok and result.records == len(rows), result
        async with runtime.engine.begin() as conn:
            bad = _fields(_sample()) | {"seq": len(rows) + 1, "details": {"f": 2.5}}
            await conn.execute(insert(AuditRecord), [bad | {"prev_hash": prev, "hash": "f" * 64}])
        async with runtime.sessions() as session:
            result = await verify_chain(session, runtime.signer)
        assert not result.ok and result.first_bad_seq == len(rows) + 1, result
    finally:
        await runtime.engine.dispose()
