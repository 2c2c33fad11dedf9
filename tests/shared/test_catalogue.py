"""The report-type catalogue matches SPEC §2 and is well-formed."""

import json
import re
from collections.abc import Iterator

import pytest

from shared.catalogue import CATALOGUE, TYPES_BY_CODE, get_type
from shared.enums import ReportType
from shared.fields import Catalogue, FieldKind, FieldSpec, ReportTypeSpec, ReviewPolicy
from shared.validation import pii_paths


def find(spec: ReportTypeSpec, path: str) -> FieldSpec:
    """The field at a dotted path such as ``subjects.role`` (lists and groups alike)."""
    fields = spec.fields
    found: FieldSpec | None = None
    for name in path.split("."):
        found = next(f for f in fields if f.name == name)
        fields = found.fields or []
    assert found is not None
    return found


def walk(fields: list[FieldSpec], prefix: str = "") -> Iterator[tuple[str, FieldSpec]]:
    for f in fields:
        yield prefix + f.name, f
        yield from walk(f.fields or [], prefix + f.name + ".")


def all_fields() -> Iterator[tuple[str, str, FieldSpec]]:
    for spec in CATALOGUE.types:
        for path, f in walk(spec.fields):
            yield spec.code, path, f


# ---- presence and policies ----------------------------------------------------------


def test_every_report_type_is_in_the_catalogue_once() -> None:
    assert [t.code for t in CATALOGUE.types] == [t.value for t in ReportType]
    assert set(TYPES_BY_CODE) == {t.value for t in ReportType}


def test_get_type_returns_the_definition_and_refuses_unknown_codes() -> None:
    assert get_type("SIR") is TYPES_BY_CODE["SIR"]
    with pytest.raises(KeyError):
        get_type("NOPE")


@pytest.mark.parametrize(
    ("code", "review", "programs"),
    [
        ("SIR", ReviewPolicy.ELECTIVE, ["HSI", "ERO"]),
        ("OPPRED", ReviewPolicy.MANDATORY, ["HSI"]),
        ("SPEAR", ReviewPolicy.MANDATORY, ["HSI"]),
        ("LEARA", ReviewPolicy.ELECTIVE, ["HSI", "ERO"]),
        ("SPOT", ReviewPolicy.NONE, ["HSI", "ERO"]),
        ("ERO_LEAD", ReviewPolicy.ELECTIVE, ["ERO"]),
        ("ERO_TAV", ReviewPolicy.ELECTIVE, ["ERO"]),
        ("NEWS", ReviewPolicy.NONE, []),
    ],
)
def test_review_policy_and_creating_programs(
    code: str, review: ReviewPolicy, programs: list[str]
) -> None:
    spec = get_type(code)
    assert spec.review is review
    assert spec.programs == programs


def test_type_specific_envelope_rules() -> None:
    assert get_type("SPOT").default_priority == "flash"
    assert {t.code for t in CATALOGUE.types if t.default_priority != "routine"} == {"SPOT"}
    assert get_type("SIR").late_after_hours == 24
    assert {t.code for t in CATALOGUE.types if t.event_at_not_future} == {"SIR", "OPPRED"}


# ---- the SPEC's enums ---------------------------------------------------------------

SIR_CATEGORIES = [
    "arrest",
    "seizure",
    "assault_on_employee",
    "firearm_discharge",
    "use_of_force",
    "employee_injury_or_death",
    "detainee_injury_or_death",
    "escape",
    "other",
]
ROLES = ["suspect", "victim", "witness", "detainee", "associate", "other"]
LEVELS = ["federal", "state", "local", "tribal", "foreign", "international"]


@pytest.mark.parametrize(
    ("code", "path", "values"),
    [
        ("SIR", "category", SIR_CATEGORIES),
        ("SIR", "subjects.role", ROLES),
        ("OPPRED", "category", SIR_CATEGORIES),
        ("OPPRED", "victims.age_group", ["0-5", "6-11", "12-15", "16-17"]),
        (
            "SPEAR",
            "activity",
            [
                "search_warrant",
                "arrest",
                "seizure",
                "operation",
                "meeting",
                "training",
                "conference",
                "other",
            ],
        ),
        ("SPEAR", "subjects.role", ROLES),
        ("LEARA", "requesting_agency.level", LEVELS),
        (
            "LEARA",
            "disposition_status",
            ["open", "forwarded", "assistance_provided", "declined", "referred", "completed"],
        ),
        (
            "SPOT",
            "threat_type",
            [
                "threat_to_personnel",
                "threat_to_facility",
                "critical_incident",
                "officer_safety",
                "other",
            ],
        ),
        (
            "ERO_LEAD",
            "subject_category",
            [
                "narcotics",
                "weapons",
                "gang",
                "human_smuggling",
                "human_trafficking",
                "fugitive",
                "fraud",
                "other",
            ],
        ),
        (
            "ERO_LEAD",
            "source",
            [
                "staff_observation",
                "surveillance",
                "interview",
                "document_review",
                "property_inspection",
                "tip",
                "other",
            ],
        ),
        ("ERO_LEAD", "entity.kind", ["person", "business", "organization"]),
        ("ERO_TAV", "requesting_agency.level", LEVELS),
    ],
)
def test_enums_are_spelled_as_in_the_spec(code: str, path: str, values: list[str]) -> None:
    f = find(get_type(code), path)
    assert f.kind is FieldKind.ENUM
    assert f.enum == values


# ---- PII ----------------------------------------------------------------------------

STARRED = {
    "SIR": {
        "narrative",
        "injuries.*.description",
        *(
            f"subjects.*.{n}"
            for n in ("first_name", "last_name", "date_of_birth", "address", "a_number", "fin")
        ),
    },
    "OPPRED": {
        "narrative",
        "injuries.*.description",
        *(
            f"suspects.*.{n}"
            for n in ("first_name", "last_name", "date_of_birth", "address", "a_number", "fin")
        ),
    },
    "SPEAR": {"narrative", "subjects.*.first_name", "subjects.*.a_number", "subjects.*.fin"},
    "LEARA": {"request_narrative", "disposition_narrative"},
    "SPOT": {"subject_line", "summary"},
    "ERO_LEAD": {
        "lead_title",
        "narrative",
        "entity.mother_maiden_name",
        "entity.date_of_birth",
        "entity.a_number",
        "entity.fin",
    },
    "ERO_TAV": {"detainee.name", "detainee.a_number", "detainee.fin", "narrative"},
}


@pytest.mark.parametrize("code", sorted(STARRED))
def test_starred_fields_are_tagged_pii(code: str) -> None:
    assert STARRED[code] <= set(pii_paths(get_type(code)))


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("SIR", "category"),
        ("SIR", "subjects.role"),
        ("SIR", "subjects.age"),
        ("SIR", "location.city"),
        ("SIR", "reporting_contact.name"),  # officials are not subject PII
        ("OPPRED", "victims.age_group"),
        ("SPOT", "threat_type"),
    ],
)
def test_unstarred_fields_are_not_tagged_pii(code: str, path: str) -> None:
    assert not find(get_type(code), path).pii


def test_every_narrative_and_a_number_is_pii() -> None:
    for code, path, f in all_fields():
        if f.kind in (FieldKind.LONG_TEXT, FieldKind.A_NUMBER):
            assert f.pii, f"{code}.{path}"


def test_pii_paths_mark_list_entries_with_a_star() -> None:
    paths = pii_paths(get_type("SIR"))
    assert "subjects.*.a_number" in paths
    assert "narrative" in paths
    assert "category" not in paths


# ---- OPPRED: data minimisation ------------------------------------------------------


def test_oppred_victims_are_limited_records_without_identity() -> None:
    victims = find(get_type("OPPRED"), "victims")
    assert victims.kind is FieldKind.LIST
    assert victims.required
    names = {f.name for f in victims.fields or []}
    assert names == {
        "age_group",
        "sex",
        "smuggling_victim",
        "trafficking_victim",
        "offender_relationship",
        "country_of_birth",
        "country_of_citizenship",
    }
    assert not any(re.search(r"name|birth_date|date_of_birth|dob|address", n) for n in names)


def test_oppred_has_suspects_with_criminal_history_instead_of_subjects() -> None:
    oppred = get_type("OPPRED")
    assert "subjects" not in {f.name for f in oppred.fields}
    suspects = find(oppred, "suspects")
    assert suspects.max_items == 50
    assert "role" not in {f.name for f in suspects.fields or []}
    history = find(oppred, "suspects.criminal_history")
    assert history.kind is FieldKind.GROUP
    assert {f.name for f in history.fields or []} == {
        "arrest_city",
        "arrest_state",
        "registered_sex_offender",
        "amber_alert",
        "protect_act",
        "aggravated_felon",
        "fugitive",
        "prior_arrests",
        "prior_convictions",
    }


def test_oppred_has_every_sir_field_but_subjects() -> None:
    sir = {f.name: f for f in get_type("SIR").fields}
    oppred = {f.name: f for f in get_type("OPPRED").fields}
    del sir["subjects"]
    assert {name: oppred[name] for name in sir} == sir


# ---- field shapes -------------------------------------------------------------------


def test_sir_has_the_spec_fields() -> None:
    sir = get_type("SIR")
    assert {f.name for f in find(sir, "location").fields or []} == {
        "facility",
        "city",
        "state",
        "country",
    }
    assert {f.name for f in find(sir, "seized_property").fields or []} == {
        "description",
        "quantity",
        "unit",
        "estimated_value",
    }
    assert {f.name for f in find(sir, "injuries").fields or []} == {
        "description",
        "hospital_name",
        "hospital_city",
    }
    for contact in ("reporting_contact", "supervisor_contact", "action_officer_contact"):
        assert find(sir, contact).kind is FieldKind.GROUP
    assert find(sir, "other_le_notified").kind is FieldKind.LIST
    assert {f.name for f in find(sir, "subjects").fields or []} == {
        "role",
        "first_name",
        "last_name",
        "date_of_birth",
        "age",
        "sex",
        "country_of_birth",
        "country_of_citizenship",
        "immigration_status",
        "address",
        "a_number",
        "fin",
    }
    assert find(sir, "subjects.a_number").kind is FieldKind.A_NUMBER
    assert find(sir, "subjects.date_of_birth").kind is FieldKind.DATE


def test_ero_lead_entity_has_the_person_fields() -> None:
    entity = {f.name for f in find(get_type("ERO_LEAD"), "entity").fields or []}
    assert entity == {
        "kind",
        "name",
        "mother_maiden_name",
        "sex",
        "date_of_birth",
        "age",
        "residence_city",
        "residence_state",
        "criminal_history",
        "citizenship_status",
        "country_of_citizenship",
        "country_of_birth",
        "immigration_status",
        "a_number",
        "entry_date",
        "fin",
    }


def test_news_relates_reports_by_id() -> None:
    assert find(get_type("NEWS"), "related_report_ids").kind is FieldKind.REPORT_IDS
    assert find(get_type("NEWS"), "url").kind is FieldKind.URL


def test_sir_requires_what_a_reader_needs() -> None:
    required = {f.name for f in get_type("SIR").fields if f.required}
    assert {"category", "narrative"} <= required
    assert "subjects" not in required  # an incident may have no identified subject


def test_limits() -> None:
    for code, path, f in all_fields():
        where = f"{code}.{path}"
        if f.kind is FieldKind.LONG_TEXT:
            assert f.max_length == 20_000, where
        if f.kind is FieldKind.TEXT:
            assert f.max_length is not None and f.max_length <= 1000, where
        if f.kind in (FieldKind.LIST, FieldKind.REPORT_IDS):
            assert f.max_items is not None and f.max_items <= 100, where
    for code, name in [
        ("SIR", "subjects"),
        ("OPPRED", "suspects"),
        ("OPPRED", "victims"),
        ("SPEAR", "subjects"),
    ]:
        assert find(get_type(code), name).max_items == 50


def test_every_field_is_documented_and_well_formed() -> None:
    for code, path, f in all_fields():
        where = f"{code}.{path}"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", f.name), where
        assert f.label.strip() and f.help.strip(), where
        assert "\n" not in f.help, where
        assert (f.kind is FieldKind.ENUM) == bool(f.enum), where
        assert (f.kind in (FieldKind.GROUP, FieldKind.LIST)) == bool(f.fields), where


def test_names_are_unique_at_every_level() -> None:
    def check(fields: list[FieldSpec]) -> None:
        names = [f.name for f in fields]
        assert len(names) == len(set(names)), names
        for f in fields:
            check(f.fields or [])

    for spec in CATALOGUE.types:
        check(spec.fields)


def test_sections_are_declared_used_and_top_level_only() -> None:
    for spec in CATALOGUE.types:
        used = [f.section for f in spec.fields]
        assert all(used), spec.code
        assert set(used) == set(spec.sections), spec.code
        for path, f in walk(spec.fields):
            if "." in path:
                assert f.section == "", f"{spec.code}.{path}"


# ---- wire form ----------------------------------------------------------------------


def test_catalogue_round_trips_through_json() -> None:
    dumped = CATALOGUE.model_dump(mode="json")
    text = json.dumps(dumped)
    again = Catalogue.model_validate(json.loads(text))
    assert again == CATALOGUE
    sir = next(t for t in json.loads(text)["types"] if t["code"] == "SIR")
    category = next(f for f in sir["fields"] if f["name"] == "category")
    assert category["kind"] == "enum"
    assert category["required"] is True
    assert category["enum"] == SIR_CATEGORIES
