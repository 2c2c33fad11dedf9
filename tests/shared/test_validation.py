"""Body validation, envelope rules, PII masking and change detection (SPEC §2, §13)."""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.catalogue import CATALOGUE, get_type
from shared.fields import FieldKind, FieldSpec
from shared.schemas import FieldError
from shared.validation import (
    REDACTED,
    body_model,
    changed_fields,
    mask_pii,
    pii_paths,
    validate_body,
    validate_envelope_for_submit,
)

CANARY = "CANARY-9f3e"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CONTACT = {"name": "Pat Doe", "title": "SA", "phone": "+1 (212) 555-0100", "email": "p@x.gov"}

# One complete, submittable body per type.
VALID: dict[str, dict[str, Any]] = {
    "SIR": {
        "category": "arrest",
        "location": {"facility": "JFK T4", "city": "New York", "state": "NY", "country": "US"},
        "subjects": [
            {
                "role": "suspect",
                "first_name": "Alex",
                "last_name": "Roe",
                "date_of_birth": "1990-05-01",
                "age": 35,
                "sex": "male",
                "address": "1 Main St",
                "a_number": "A123456789",
                "fin": "1234567890",
            }
        ],
        "seized_property": [
            {"description": "cash", "quantity": 1, "unit": "USD", "estimated_value": "1200.50"}
        ],
        "injuries": [{"description": "cut hand", "hospital_name": "Mercy"}],
        "narrative": "Arrested at the gate.",
        "reporting_contact": CONTACT,
        "other_le_notified": [CONTACT],
    },
    "OPPRED": {
        "category": "arrest",
        "location": {"city": "Hempstead"},
        "suspects": [
            {
                "last_name": "Roe",
                "a_number": "A12345678",
                "criminal_history": {"registered_sex_offender": True, "prior_arrests": 2},
            }
        ],
        "victims": [{"age_group": "12-15", "sex": "female", "trafficking_victim": False}],
        "narrative": "Synthetic.",
        "reporting_contact": CONTACT,
    },
    "SPEAR": {
        "activity": "search_warrant",
        "location": {"city": "Riverside"},
        "subjects": [{"role": "suspect", "last_name": "Roe"}],
        "narrative": "Warrant at 0600.",
        "case_information": {"program_code": "XB1", "case_title": "Synthetic"},
    },
    "LEARA": {
        "received_at": "2026-03-01T09:00:00-05:00",
        "requesting_agency": {"name": "County Sheriff", "level": "local"},
        "requester_contact": CONTACT,
        "receiving_contact": CONTACT,
        "request_narrative": "Asked for a K-9 unit.",
        "disposition_status": "open",
    },
    "SPOT": {
        "subject_line": "Threat to field office",
        "threat_type": "threat_to_facility",
        "summary": "Call received.",
        "reporting_officer": CONTACT,
        "authorizing_office": "SAC-NYC",
    },
    "ERO_LEAD": {
        "lead_title": "Possible fugitive",
        "subject_category": "fugitive",
        "source": "tip",
        "lead_city": "Queens",
        "entity": {"kind": "person", "name": "A. Roe", "entry_date": "2019-07-04"},
        "narrative": "Tip received.",
        "reporting_contact": CONTACT,
    },
    "ERO_TAV": {
        "detainee": {"name": "A. Roe", "a_number": "A12345678"},
        "facility": "Elizabeth CDF",
        "visit_at": "2026-03-05T14:00:00Z",
        "purpose": "Interview as a witness.",
        "requesting_agency": {"name": "FBI", "level": "federal"},
        "requesting_officer_contact": CONTACT,
        "reporting_contact": CONTACT,
    },
    "NEWS": {
        "headline": "Agency makes arrest",
        "outlet": "Daily Synthetic",
        "url": "https://news.example/story/1",
        "published_at": "2026-03-01T08:00:00Z",
        "summary": "Covers the arrest.",
        "related_report_ids": ["SIR-2026-000042", "ERO_TAV-2026-000001"],
    },
}


def errors_of(code: str, body: Any, *, for_submit: bool = False) -> dict[str, str]:
    _, errors = validate_body(get_type(code), body, for_submit=for_submit)
    return {e.field: e.message for e in errors}


def sir(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(VALID["SIR"]), **changes}


def subject(**fields: Any) -> dict[str, Any]:
    return sir(subjects=[{"role": "suspect", **fields}])


# ---- good bodies --------------------------------------------------------------------


def test_valid_bodies_cover_every_type() -> None:
    assert set(VALID) == {t.code for t in CATALOGUE.types}


@pytest.mark.parametrize("code", sorted(VALID))
def test_a_complete_body_submits(code: str) -> None:
    cleaned, errors = validate_body(get_type(code), VALID[code], for_submit=True)
    assert errors == []
    assert set(cleaned) == set(VALID[code])
    json.dumps(cleaned)  # JSON-ready


@pytest.mark.parametrize("code", sorted(VALID))
def test_drafts_may_be_empty_or_partial(code: str) -> None:
    spec = get_type(code)
    assert validate_body(spec, {}, for_submit=False) == ({}, [])
    first = spec.fields[0].name
    partial = {first: VALID[code][first]}
    cleaned, errors = validate_body(spec, partial, for_submit=False)
    assert errors == []
    assert set(cleaned) == {first}


def test_drafts_may_hold_incomplete_list_entries() -> None:
    body = {"subjects": [{"last_name": "Roe"}], "seized_property": [{"unit": "kg"}]}
    assert errors_of("SIR", body) == {}


def test_cleaned_body_is_normalised() -> None:
    body = {
        "received_at": "2026-03-01T09:00:00-05:00",
        "completed_at": "",
        "requesting_agency": {"name": "  County Sheriff  "},
        "request_narrative": "  indented\nlines  ",
    }
    cleaned, errors = validate_body(get_type("LEARA"), body, for_submit=False)
    assert errors == []
    assert cleaned["received_at"] == "2026-03-01T14:00:00Z"  # in UTC
    assert cleaned["completed_at"] is None  # a blank input means "not given"
    assert cleaned["requesting_agency"] == {"name": "County Sheriff"}  # one-line text trimmed
    assert cleaned["request_narrative"] == "  indented\nlines  "  # narrative kept as typed


def test_decimals_come_back_as_exact_strings() -> None:
    items = [{"quantity": 1.5, "estimated_value": "1E+3"}, {"quantity": 2, "estimated_value": 0}]
    cleaned, errors = validate_body(get_type("SIR"), {"seized_property": items}, for_submit=False)
    assert errors == []
    assert cleaned["seized_property"] == [
        {"quantity": "1.5", "estimated_value": "1000"},
        {"quantity": "2", "estimated_value": "0"},
    ]


def test_models_are_built_once_per_type() -> None:
    assert body_model(get_type("SIR")) is body_model(get_type("SIR"))
    assert body_model(get_type("SIR")) is not body_model(get_type("OPPRED"))


# ---- bad bodies ---------------------------------------------------------------------


def test_wrong_enum_lists_the_allowed_values() -> None:
    errors = errors_of("SIR", sir(category="burglary"))
    assert list(errors) == ["body.category"]
    assert errors["body.category"].startswith("must be one of: arrest, seizure,")
    assert "burglary" not in errors["body.category"]


@pytest.mark.parametrize(
    "a_number", ["A123", "123456789", "B12345678", "A1234567890", "A1234567X", "a12345678"]
)
def test_malformed_a_numbers_are_refused(a_number: str) -> None:
    errors = errors_of("SIR", subject(a_number=a_number))
    assert errors == {"body.subjects.0.a_number": "must be A followed by 8 or 9 digits"}


@pytest.mark.parametrize("a_number", ["A12345678", "A123456789"])
def test_well_formed_a_numbers_pass(a_number: str) -> None:
    assert errors_of("SIR", subject(a_number=a_number)) == {}


def test_text_over_its_limit() -> None:
    errors = errors_of("SIR", subject(first_name="x" * 301))
    assert errors == {"body.subjects.0.first_name": "must be at most 300 characters"}
    assert errors_of("SIR", sir(narrative="x" * 20_000)) == {}
    errors = errors_of("SIR", sir(narrative="x" * 20_001))
    assert errors == {"body.narrative": "must be at most 20000 characters"}


def test_at_most_fifty_subjects() -> None:
    person = {"role": "witness"}
    assert errors_of("SIR", sir(subjects=[person] * 50)) == {}
    errors = errors_of("SIR", sir(subjects=[person] * 51))
    assert errors == {"body.subjects": "must have at most 50 entries"}


def test_unknown_fields_are_refused_at_every_level() -> None:
    body = sir(nickname="x", location={"city": "NYC", "zip": "10001"})
    body["subjects"][0]["alias"] = "x"
    errors = errors_of("SIR", body)
    assert errors == {
        "body.nickname": "unknown field",
        "body.location.zip": "unknown field",
        "body.subjects.0.alias": "unknown field",
    }
    errors = errors_of("OPPRED", {"suspects": [{"criminal_history": {"parole": True}}]})
    assert errors == {"body.suspects.0.criminal_history.parole": "unknown field"}


def test_oppred_victims_cannot_carry_names() -> None:
    errors = errors_of("OPPRED", {"victims": [{"age_group": "0-5", "first_name": "x"}]})
    assert errors == {"body.victims.0.first_name": "unknown field"}


@pytest.mark.parametrize(
    ("code", "body", "field", "message"),
    [
        ("SIR", {"narrative": 5}, "body.narrative", "must be text"),
        ("SIR", {"location": "NYC"}, "body.location", "must be an object"),
        ("SIR", {"subjects": {"role": "suspect"}}, "body.subjects", "must be a list"),
        ("SIR", {"subjects": ["Roe"]}, "body.subjects.0", "must be an object"),
        ("SIR", {"subjects": [{"age": "ten"}]}, "body.subjects.0.age", "must be a whole number"),
        ("SIR", {"subjects": [{"age": True}]}, "body.subjects.0.age", "must be a whole number"),
        ("SIR", {"subjects": [{"age": -1}]}, "body.subjects.0.age", "must be at least 0"),
        ("SIR", {"subjects": [{"age": 131}]}, "body.subjects.0.age", "must be at most 130"),
        (
            "SIR",
            {"subjects": [{"date_of_birth": "01/02/1990"}]},
            "body.subjects.0.date_of_birth",
            "must be a date in the form YYYY-MM-DD",
        ),
        (
            "SIR",
            {"subjects": [{"date_of_birth": 631152000}]},
            "body.subjects.0.date_of_birth",
            "must be a date in the form YYYY-MM-DD",
        ),
        (
            "SIR",
            {"seized_property": [{"estimated_value": "lots"}]},
            "body.seized_property.0.estimated_value",
            "must be a number with at most 18 digits, 4 of them after the decimal point",
        ),
        (
            "SIR",
            {"seized_property": [{"quantity": -2}]},
            "body.seized_property.0.quantity",
            "must be at least 0",
        ),
        (
            "SIR",
            {"reporting_contact": {"email": "not-an-email"}},
            "body.reporting_contact.email",
            "must be an email address",
        ),
        (
            "OPPRED",
            {"victims": [{"smuggling_victim": "yes"}]},
            "body.victims.0.smuggling_victim",
            "must be true or false",
        ),
        (
            "LEARA",
            {"received_at": "2026-03-01T09:00:00"},  # no offset: which 09:00?
            "body.received_at",
            "must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T14:30:00Z",
        ),
        (
            "LEARA",
            {"received_at": 1772355600},
            "body.received_at",
            "must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T14:30:00Z",
        ),
        (
            "NEWS",
            {"url": "ftp://x.example/a"},
            "body.url",
            "must be an http:// or https:// address",
        ),
        (
            "NEWS",
            {"related_report_ids": "SIR-2026-000042"},
            "body.related_report_ids",
            "must be a list of report IDs",
        ),
        (
            "NEWS",
            {"related_report_ids": ["SIR-2026-000042", "nope"]},
            "body.related_report_ids.1",
            "must be a report ID such as SIR-2026-000042",
        ),
    ],
)
def test_wrong_types_name_the_field(
    code: str, body: dict[str, Any], field: str, message: str
) -> None:
    cleaned, errors = validate_body(get_type(code), body, for_submit=False)
    assert cleaned == {}  # nothing half-accepted
    assert [(e.field, e.message) for e in errors] == [(field, message)]


def test_body_must_be_an_object() -> None:
    assert errors_of("SIR", ["narrative"]) == {"body": "must be an object"}


def test_body_over_one_mebibyte_is_refused() -> None:
    huge = {"narrative": "x" * (1024 * 1024)}
    assert errors_of("SIR", huge) == {"body": "must be at most 1 MiB"}


# ---- required to submit -------------------------------------------------------------


def test_submit_requires_the_required_fields() -> None:
    errors = errors_of("SIR", {}, for_submit=True)
    assert errors == {
        "body.category": "is required to submit",
        "body.location": "is required to submit",
        "body.narrative": "is required to submit",
        "body.reporting_contact": "is required to submit",
    }


def test_blank_text_does_not_satisfy_a_required_field() -> None:
    errors = errors_of("SIR", sir(narrative="   \n"), for_submit=True)
    assert errors == {"body.narrative": "is required to submit"}


def test_submit_requires_required_fields_inside_present_entries() -> None:
    body = sir(
        subjects=[{"role": "suspect"}, {"last_name": "Roe"}],
        location={"state": "NY"},
        seized_property=[{"quantity": 1}],
    )
    errors = errors_of("SIR", body, for_submit=True)
    assert errors == {
        "body.location.city": "is required to submit",
        "body.subjects.1.role": "is required to submit",
        "body.seized_property.0.description": "is required to submit",
    }


def test_a_required_list_needs_an_entry() -> None:
    body = {**VALID["OPPRED"], "victims": []}
    assert errors_of("OPPRED", body, for_submit=True) == {
        "body.victims": "needs at least one entry to submit"
    }


def test_submit_reports_type_and_missing_errors_together() -> None:
    errors = errors_of("SIR", {"category": "nope"}, for_submit=True)
    assert errors["body.category"].startswith("must be one of")
    assert errors["body.narrative"] == "is required to submit"


# ---- the envelope -------------------------------------------------------------------


def envelope(code: str, title: str | None, event_at: datetime | None) -> list[FieldError]:
    return validate_envelope_for_submit(get_type(code), title=title, event_at=event_at, now=NOW)


def test_envelope_needs_title_and_event_time() -> None:
    errors = envelope("SPOT", "  ", None)
    assert {(e.field, e.message) for e in errors} == {
        ("title", "is required to submit"),
        ("event_at", "is required to submit"),
    }
    assert envelope("SPOT", "Threat", NOW) == []


def test_future_dated_sir_is_refused() -> None:
    errors = envelope("SIR", "Arrest", NOW + timedelta(hours=1))
    assert [(e.field, e.message) for e in errors] == [
        ("event_at", "an SIR cannot be dated in the future")
    ]
    assert envelope("OPPRED", "Arrest", NOW + timedelta(days=1))[0].field == "event_at"


def test_small_clock_skew_and_other_time_zones_are_allowed() -> None:
    assert envelope("SIR", "Arrest", NOW + timedelta(minutes=4)) == []
    assert envelope("SIR", "Arrest", NOW - timedelta(days=3)) == []
    # 07:03 in New York is 12:03 UTC: within the skew, though its clock reads earlier.
    new_york = timezone(timedelta(hours=-5))
    assert envelope("SIR", "Arrest", datetime(2026, 3, 1, 7, 3, tzinfo=new_york)) == []
    assert envelope("SIR", "Arrest", datetime(2026, 3, 1, 7, 6, tzinfo=new_york)) != []


def test_planned_types_may_be_in_the_future() -> None:
    assert envelope("SPEAR", "Warrant", NOW + timedelta(days=2)) == []


# ---- no PII in errors ---------------------------------------------------------------


def leaf_paths(fields: list[FieldSpec]) -> list[list[FieldSpec]]:
    """Every chain of fields from the top down to a leaf."""
    chains = []
    for f in fields:
        if f.fields:
            chains += [[f, *rest] for rest in leaf_paths(f.fields)]
        else:
            chains.append([f])
    return chains


def place(chain: list[FieldSpec], value: Any) -> dict[str, Any]:
    """A body holding ``value`` at the end of ``chain`` (inside one-entry lists)."""
    head, *rest = chain
    inner = place(rest, value) if rest else value
    if head.kind in (FieldKind.LIST, FieldKind.REPORT_IDS):
        inner = [inner]
    return {head.name: inner}


# Too long for any text field and wrong for every other kind.
BAD = CANARY + "x" * 25_000


@pytest.mark.parametrize("spec", CATALOGUE.types, ids=lambda s: s.code)
def test_no_submitted_value_appears_in_any_error(spec: Any) -> None:
    for chain in leaf_paths(spec.fields):
        _, errors = validate_body(spec, place(chain, BAD), for_submit=True)
        assert errors, [f.name for f in chain]
        assert CANARY not in json.dumps([e.model_dump() for e in errors])


def test_canary_in_keys_and_odd_places_is_not_echoed() -> None:
    bodies: list[Any] = [
        {CANARY: 1},
        {"subjects": [{CANARY: CANARY}]},
        {"category": CANARY},
        {"location": CANARY},
        {"subjects": CANARY},
        {"subjects": [CANARY]},
        {"subjects": [{"age": CANARY, "date_of_birth": CANARY, "a_number": CANARY}]},
        CANARY,
    ]
    for body in bodies:
        _, errors = validate_body(get_type("SIR"), body, for_submit=True)
        assert errors
        assert CANARY not in json.dumps([e.model_dump() for e in errors])


# ---- masking ------------------------------------------------------------------------


def planted(fields: list[FieldSpec], body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with every PII text field set to a canary value."""
    out = copy.deepcopy(body)
    for f in fields:
        value = out.get(f.name)
        if f.pii and f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
            out[f.name] = CANARY
        elif f.kind is FieldKind.GROUP:
            out[f.name] = planted(f.fields or [], value or {})
        elif f.kind is FieldKind.LIST and value:
            out[f.name] = [planted(f.fields or [], item) for item in value]
    return out


def value_at(body: Any, path: list[str]) -> list[Any]:
    if not path:
        return [body]
    head, *rest = path
    if head == "*":
        return [v for item in body for v in value_at(item, rest)]
    return value_at(body[head], rest) if head in body else []


@pytest.mark.parametrize("code", sorted(VALID))
def test_mask_pii_replaces_every_pii_value(code: str) -> None:
    spec = get_type(code)
    body = planted(spec.fields, VALID[code])
    assert CANARY in json.dumps(body)
    original = copy.deepcopy(body)
    masked = mask_pii(spec, body)
    assert body == original  # a copy, not in place
    assert CANARY not in json.dumps(masked)
    for path in pii_paths(spec):
        values = value_at(masked, path.split("."))
        assert all(v == REDACTED for v in values if v not in (None, "")), path


def test_mask_pii_keeps_non_pii_and_empty_values() -> None:
    body = sir(injuries=[{"description": None, "hospital_name": "Mercy"}])
    body["subjects"][0]["fin"] = ""
    masked = mask_pii(get_type("SIR"), body)
    assert masked["category"] == "arrest"
    assert masked["location"] == body["location"]
    assert masked["reporting_contact"] == CONTACT
    assert masked["injuries"] == [{"description": None, "hospital_name": "Mercy"}]
    person = masked["subjects"][0]
    assert person["a_number"] == REDACTED
    assert person["date_of_birth"] == REDACTED
    assert person["fin"] == ""
    assert person["age"] == 35
    assert person["role"] == "suspect"
    assert masked["narrative"] == REDACTED


def test_mask_pii_masks_fields_it_does_not_know() -> None:
    masked = mask_pii(get_type("SIR"), {"retired_field": CANARY, "category": "arrest"})
    assert masked == {"retired_field": REDACTED, "category": "arrest"}


# ---- changes ------------------------------------------------------------------------


def test_changed_fields_names_top_level_fields_in_spec_order() -> None:
    old = sir()
    new = sir(narrative="Changed.", category="seizure")
    new["subjects"][0]["age"] = 36
    assert changed_fields(get_type("SIR"), old, new) == ["category", "subjects", "narrative"]
    assert changed_fields(get_type("SIR"), old, copy.deepcopy(old)) == []


def test_changed_fields_treats_absent_null_and_blank_alike() -> None:
    spec = get_type("SIR")
    assert changed_fields(spec, {"narrative": None}, {}) == []
    assert changed_fields(spec, {"narrative": ""}, {"narrative": None}) == []
    assert changed_fields(spec, {}, {"narrative": "x"}) == ["narrative"]


def test_changed_fields_tells_a_flag_from_a_count() -> None:
    spec = get_type("OPPRED")
    old = {"victims": [{"smuggling_victim": True}]}
    new = {"victims": [{"smuggling_victim": 1}]}
    assert changed_fields(spec, old, new) == ["victims"]


# ---- ages and dates of birth ----------------------------------------------------------

EVENT_DAY = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)


def _person(born: str, age: int) -> dict[str, Any]:
    return {"subjects": [{"role": "suspect", "date_of_birth": born, "age": age}]}


@pytest.mark.parametrize(
    ("born", "age"),
    [("1990-03-01", 36), ("1990-03-02", 35), ("2000-02-29", 26), ("1990-12-31", 35)],
)
def test_an_age_that_the_date_of_birth_gives_on_the_event_day_passes(born: str, age: int) -> None:
    for for_submit in (False, True):
        _, errors = validate_body(
            get_type("SIR"), _person(born, age), for_submit=for_submit, event_at=EVENT_DAY
        )
        assert [e for e in errors if e.field.endswith(".age")] == []


def test_an_age_that_disagrees_is_an_error_at_the_age_by_its_label() -> None:
    _, errors = validate_body(
        get_type("SIR"), _person("1990-05-01", 30), for_submit=False, event_at=EVENT_DAY
    )
    assert [(e.field, e.label, e.message) for e in errors] == [
        (
            "body.subjects.0.age",
            "Subjects 1 · Age",
            "does not match the date of birth (would be 35 on the event date)",
        )
    ]


def test_ages_are_counted_on_the_event_day_in_utc_not_today() -> None:
    # 23:30 in New York on 28 February is 1 March in UTC: the birthday has come.
    evening = datetime(2026, 2, 28, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    _, errors = validate_body(
        get_type("SIR"), _person("1990-03-01", 36), for_submit=False, event_at=evening
    )
    assert errors == []


def test_without_an_event_time_the_age_check_waits() -> None:
    _, errors = validate_body(get_type("SIR"), _person("1990-05-01", 3), for_submit=False)
    assert errors == []


def test_every_block_with_a_birth_date_and_an_age_is_checked() -> None:
    lead = {"entity": {"kind": "person", "date_of_birth": "1990-05-01", "age": 40}}
    _, errors = validate_body(get_type("ERO_LEAD"), lead, for_submit=False, event_at=EVENT_DAY)
    assert [(e.field, e.label) for e in errors] == [("body.entity.age", "Entity · Age")]
    suspects = {"suspects": [{"date_of_birth": "1990-05-01", "age": 35}, {"age": 20}]}
    _, errors = validate_body(get_type("OPPRED"), suspects, for_submit=False, event_at=EVENT_DAY)
    assert errors == []


def test_a_birth_after_the_event_says_so_without_the_date() -> None:
    _, errors = validate_body(
        get_type("SIR"), _person("2026-06-01", 0), for_submit=False, event_at=EVENT_DAY
    )
    assert [e.message for e in errors] == [
        "does not match the date of birth, which is after the event date"
    ]
    assert "2026" not in errors[0].message
