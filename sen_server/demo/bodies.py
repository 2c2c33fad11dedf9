"""Synthetic report bodies, generated from the catalogue so every type stays fillable."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from shared.fields import FieldKind, FieldSpec, ReportTypeSpec

K = FieldKind


def fake_body(
    spec: ReportTypeSpec, fake: Faker, rng: random.Random, now: datetime
) -> dict[str, Any]:
    return _fill(spec.fields, fake, rng, now)


def _fill(
    fields: list[FieldSpec], fake: Faker, rng: random.Random, now: datetime
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in fields:
        value = _value(f, fake, rng, now)
        if value is not None:
            body[f.name] = value
    return body


def _value(f: FieldSpec, fake: Faker, rng: random.Random, now: datetime) -> Any:
    name = f.name
    if f.kind == K.GROUP:
        return _fill(f.fields or [], fake, rng, now)
    if f.kind == K.LIST:
        return [_fill(f.fields or [], fake, rng, now) for _ in range(rng.randint(1, 3))]
    if f.kind == K.ENUM:
        return rng.choice(f.enum or [""])
    if f.kind == K.LONG_TEXT:
        return fake.paragraph(nb_sentences=rng.randint(3, 8))[: f.max_length or 20_000]
    if f.kind == K.DATETIME:
        return (now - timedelta(hours=rng.randint(1, 72))).astimezone(UTC).isoformat()
    if f.kind == K.DATE:
        days = rng.randint(18 * 365, 70 * 365) if "birth" in name else rng.randint(30, 3650)
        return (now - timedelta(days=days)).date().isoformat()
    if f.kind == K.INTEGER:
        return rng.randint(18, 70) if name == "age" else rng.randint(0, 5)
    if f.kind == K.DECIMAL:
        return round(rng.uniform(100, 250_000), 2)
    if f.kind == K.BOOLEAN:
        return rng.random() < 0.2
    if f.kind == K.A_NUMBER:
        return "A" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    if f.kind == K.EMAIL:
        return f"{fake.user_name()}@example.gov"
    if f.kind == K.PHONE:
        return f"555-01{rng.randint(10, 99)}"
    if f.kind == K.URL:
        return f"https://news.example.com/{fake.slug()}"
    if f.kind == K.REPORT_IDS:
        return []
    return _text(name, fake)[: f.max_length or 300]


def _text(name: str, fake: Faker) -> str:
    if "first_name" in name:
        return str(fake.first_name())
    if "last_name" in name or "maiden" in name:
        return str(fake.last_name())
    if name == "name" or name.endswith("_name"):
        return str(fake.name())
    if "city" in name:
        return str(fake.city())
    if "state" in name:
        return str(fake.state_abbr())
    if "country" in name:
        return "United States"
    if "address" in name:
        return str(fake.address()).replace("\n", ", ")
    if name == "fin":
        return str(fake.numerify("##########"))
    return str(fake.sentence(nb_words=5)).rstrip(".")
