"""Reusable field blocks (SPEC §2) and the small builders the catalogue is written with.

A block is a plain ``list[FieldSpec]``; a report type nests it with :func:`group` (one) or
:func:`list_of` (repeatable). Blocks carry no section: sections belong to top-level fields.
Blocks mark only what is intrinsic as required (a contact needs a name); a report type
tightens a block with :func:`requiring` where its own rules need more.
"""

from typing import Any

from shared.fields import FieldKind, FieldSpec

TEXT_MAX = 300
NARRATIVE_MAX = 20_000
PERSONS_MAX = 50  # SPEC §2: "at most 50 subjects"
LIST_MAX = 100

# ---- builders -----------------------------------------------------------------------


def field(kind: FieldKind, name: str, label: str, help: str, **extra: Any) -> FieldSpec:
    """One field; TEXT gets the default length limit unless told otherwise."""
    if kind is FieldKind.TEXT:
        extra.setdefault("max_length", TEXT_MAX)
    return FieldSpec(kind=kind, name=name, label=label, help=help, **extra)


def text(name: str, label: str, help: str, **extra: Any) -> FieldSpec:
    return field(FieldKind.TEXT, name, label, help, **extra)


def narrative(name: str, label: str, help: str, **extra: Any) -> FieldSpec:
    """Free text is where personal data ends up, so every narrative is PII (SPEC §2)."""
    return field(
        FieldKind.LONG_TEXT, name, label, help, pii=True, max_length=NARRATIVE_MAX, **extra
    )


def choice(name: str, label: str, help: str, values: list[str], **extra: Any) -> FieldSpec:
    return field(FieldKind.ENUM, name, label, help, enum=values, **extra)


def flag(name: str, label: str, help: str, **extra: Any) -> FieldSpec:
    return field(FieldKind.BOOLEAN, name, label, help, **extra)


def count(name: str, label: str, help: str, **extra: Any) -> FieldSpec:
    extra.setdefault("min_value", 0)
    return field(FieldKind.INTEGER, name, label, help, **extra)


def group(name: str, label: str, help: str, block: list[FieldSpec], **extra: Any) -> FieldSpec:
    return field(FieldKind.GROUP, name, label, help, fields=block, **extra)


def list_of(
    name: str, label: str, help: str, block: list[FieldSpec], *, max_items: int, **extra: Any
) -> FieldSpec:
    return field(FieldKind.LIST, name, label, help, fields=block, max_items=max_items, **extra)


def requiring(block: list[FieldSpec], *names: str) -> list[FieldSpec]:
    """A copy of ``block`` with ``names`` required to submit (blocks themselves are shared)."""
    unknown = set(names) - {f.name for f in block}
    if unknown:
        raise ValueError(f"not in block: {sorted(unknown)}")
    return [f.model_copy(update={"required": True}) if f.name in names else f for f in block]


def without(block: list[FieldSpec], *names: str) -> list[FieldSpec]:
    """A copy of ``block`` without ``names``."""
    return [f for f in block if f.name not in names]


# ---- shared vocabularies ------------------------------------------------------------

# The SPEC names no values for sex; these are what a records form would offer.
SEX = ["female", "male", "unknown"]
PERSON_ROLES = ["suspect", "victim", "witness", "detainee", "associate", "other"]
AGE_GROUPS = ["0-5", "6-11", "12-15", "16-17"]
AGENCY_LEVELS = ["federal", "state", "local", "tribal", "foreign", "international"]

# ---- blocks -------------------------------------------------------------------------

# Officials' contact details are not subject PII (SPEC §2); need-to-know still applies.
CONTACT: list[FieldSpec] = [
    text("name", "Name", "Full name of the official.", required=True),
    text("title", "Title", "Job title, e.g. Special Agent or Supervisory Detention Officer."),
    text("office_agency", "Office / agency", "Office or agency the official belongs to."),
    field(FieldKind.PHONE, "phone", "Phone", "Direct phone number.", max_length=40),
    field(FieldKind.EMAIL, "email", "Email", "Official email address.", max_length=254),
]

PERSON: list[FieldSpec] = [
    choice("role", "Role", "How the person is involved in the event.", PERSON_ROLES, required=True),
    text("first_name", "First name", "Given name as recorded.", pii=True),
    text("last_name", "Last name", "Family name as recorded.", pii=True),
    field(FieldKind.DATE, "date_of_birth", "Date of birth", "Date of birth.", pii=True),
    count("age", "Age", "Age in years, if the date of birth is unknown.", max_value=130),
    choice("sex", "Sex", "Sex as recorded.", SEX),
    text("country_of_birth", "Country of birth", "Country where the person was born."),
    text("country_of_citizenship", "Country of citizenship", "Country of citizenship."),
    text(
        "immigration_status",
        "Immigration / citizenship status",
        "Immigration or citizenship status, e.g. LPR, visa overstay, U.S. citizen.",
    ),
    text("address", "Address", "Residential address.", pii=True),
    field(
        FieldKind.A_NUMBER,
        "a_number",
        "A-number",
        "Alien Registration Number: A followed by 8 or 9 digits.",
        pii=True,
    ),
    text("fin", "FIN", "Fingerprint identification number.", pii=True, max_length=20),
]

CRIMINAL_HISTORY: list[FieldSpec] = [
    text("arrest_city", "Arrest city", "City of the arrest."),
    text("arrest_state", "Arrest state", "State of the arrest."),
    flag("registered_sex_offender", "Registered sex offender", "Is a registered sex offender."),
    flag("amber_alert", "Amber Alert", "Associated with an Amber Alert."),
    flag("protect_act", "PROTECT Act", "The case is relevant under the PROTECT Act."),
    flag("aggravated_felon", "Aggravated felon", "Convicted of an aggravated felony."),
    flag("fugitive", "Fugitive", "Is a fugitive."),
    count("prior_arrests", "Prior arrests", "Number of prior arrests.", max_value=999),
    count("prior_convictions", "Prior convictions", "Number of prior convictions.", max_value=999),
]

LOCATION: list[FieldSpec] = [
    text("facility", "Facility", "Facility or site name, if any."),
    text("city", "City", "City where it took place."),
    text("state", "State", "State or province."),
    text("country", "Country", "Country."),
]

SEIZED_PROPERTY: list[FieldSpec] = [
    text("description", "Description", "What was seized.", required=True),
    field(
        FieldKind.DECIMAL,
        "quantity",
        "Quantity",
        "Amount seized, in the unit given.",
        min_value=0,
    ),
    text("unit", "Unit", "Unit of the quantity, e.g. kg, each, USD.", max_length=50),
    field(
        FieldKind.DECIMAL,
        "estimated_value",
        "Estimated value (USD)",
        "Estimated value in U.S. dollars.",
        min_value=0,
    ),
]

INJURY: list[FieldSpec] = [
    # An injury description is medical information about a person, hence PII.
    text(
        "description",
        "Description",
        "Nature of the injury and who was injured.",
        required=True,
        pii=True,
        max_length=1000,
    ),
    text("hospital_name", "Hospital", "Hospital where the injured person was taken."),
    text("hospital_city", "Hospital city", "City of the hospital."),
]

# OPPRED victims are children: only what the statistics need, never an identity
# (SPEC §2, PIA §1.7). No names, dates of birth or addresses: do not add them.
OPPRED_VICTIM: list[FieldSpec] = [
    choice("age_group", "Age group", "Age group of the victim.", AGE_GROUPS, required=True),
    choice("sex", "Sex", "Sex of the victim.", SEX),
    flag("smuggling_victim", "Smuggling victim", "The victim was smuggled."),
    flag("trafficking_victim", "Trafficking victim", "The victim was trafficked."),
    text(
        "offender_relationship",
        "Offender relationship",
        "Relationship of the offender to the victim, e.g. parent, stranger.",
        max_length=100,
    ),
    text("country_of_birth", "Country of birth", "Country where the victim was born."),
    text("country_of_citizenship", "Country of citizenship", "Victim's country of citizenship."),
]

AGENCY: list[FieldSpec] = [
    text("name", "Agency", "Name of the agency.", required=True),
    choice("level", "Level", "Level of government of the agency.", AGENCY_LEVELS),
]
