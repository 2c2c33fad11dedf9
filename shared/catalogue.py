"""The eight report types of SPEC §2, as data.

The server validates and masks with these definitions and ``GET /api/v1/report-types``
serves them to the TUI, which builds its forms from them; so labels and help are written
for the person filling the form in.
"""

from shared.blocks import (
    AGENCY,
    CONTACT,
    CRIMINAL_HISTORY,
    INJURY,
    LIST_MAX,
    LOCATION,
    OPPRED_VICTIM,
    PERSON,
    PERSONS_MAX,
    SEIZED_PROPERTY,
    SEX,
    choice,
    count,
    field,
    group,
    list_of,
    narrative,
    requiring,
    text,
    without,
)
from shared.enums import ReportAction
from shared.fields import Catalogue, FieldKind, FieldSpec, Prefill, ReportTypeSpec, ReviewPolicy

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
SPEAR_ACTIVITIES = [
    "search_warrant",
    "arrest",
    "seizure",
    "operation",
    "meeting",
    "training",
    "conference",
    "other",
]
LEARA_DISPOSITIONS = [
    "open",
    "forwarded",
    "assistance_provided",
    "declined",
    "referred",
    "completed",
]
SPOT_THREATS = [
    "threat_to_personnel",
    "threat_to_facility",
    "critical_incident",
    "officer_safety",
    "other",
]
LEAD_CATEGORIES = [
    "narcotics",
    "weapons",
    "gang",
    "human_smuggling",
    "human_trafficking",
    "fugitive",
    "fraud",
    "other",
]
LEAD_SOURCES = [
    "staff_observation",
    "surveillance",
    "interview",
    "document_review",
    "property_inspection",
    "tip",
    "other",
]
ENTITY_KINDS = ["person", "business", "organization"]

# A place is useless without at least its city.
_LOCATION = requiring(LOCATION, "city")


def _contact(name: str, label: str, help: str, **extra: object) -> FieldSpec:
    return group(name, label, help, CONTACT, section="Contacts", **extra)


def _own_contacts(name: str, label: str) -> list[FieldSpec]:
    """The reporter's contact block and their supervisor's: a new report takes both from
    the profiles (SPEC §1)."""
    return [
        _contact(name, label, "Who is reporting.", required=True, prefill=Prefill.AUTHOR),
        _contact(
            "supervisor_contact",
            "Supervisor",
            f"The {label.lower()}'s supervisor.",
            prefill=Prefill.SUPERVISOR,
        ),
    ]


# ---- SIR and OPPRED -----------------------------------------------------------------


def _incident_fields(persons: list[FieldSpec]) -> list[FieldSpec]:
    """SIR's fields; OPPRED has the same with its own persons (suspects and victims)."""
    return [
        choice(
            "category",
            "Category",
            "What kind of incident this is.",
            SIR_CATEGORIES,
            required=True,
            section="Event",
        ),
        group(
            "location",
            "Location",
            "Where the incident took place.",
            _LOCATION,
            required=True,
            section="Location",
        ),
        *persons,
        list_of(
            "seized_property",
            "Seized property",
            "Each item or amount seized.",
            SEIZED_PROPERTY,
            max_items=LIST_MAX,
            section="Seized property",
        ),
        list_of(
            "injuries",
            "Injuries",
            "Each injury suffered in the incident.",
            INJURY,
            max_items=LIST_MAX,
            section="Injuries",
        ),
        narrative(
            "narrative",
            "Narrative",
            "What happened, in order: who, what, when, where, how.",
            required=True,
            section="Narrative",
        ),
        *_own_contacts("reporting_contact", "Reporting official"),
        _contact("action_officer_contact", "Action officer", "Official who acts on the report."),
        list_of(
            "other_le_notified",
            "Other law enforcement notified",
            "Other law-enforcement personnel notified of the incident.",
            CONTACT,
            max_items=LIST_MAX,
            section="Contacts",
        ),
    ]


_INCIDENT_SECTIONS = ["Event", "Location", "Seized property", "Injuries", "Narrative", "Contacts"]

SIR = ReportTypeSpec(
    code="SIR",
    label="Significant Incident Report",
    purpose="A significant incident that happened: arrest, assault on an employee, "
    "firearm discharge, significant seizure…",
    programs=["HSI", "ERO"],
    review=ReviewPolicy.ELECTIVE,
    late_after_hours=24,
    event_at_label="Event time",
    event_at_not_future=True,
    sections=[*_INCIDENT_SECTIONS[:2], "Subjects", *_INCIDENT_SECTIONS[2:]],
    fields=_incident_fields(
        [
            list_of(
                "subjects",
                "Subjects",
                "Each person involved: suspects, victims, witnesses, detainees…",
                PERSON,
                max_items=PERSONS_MAX,
                section="Subjects",
            )
        ]
    ),
)

# OPPRED suspects: a Person without the role (they are all suspects), plus their record.
_SUSPECT = [
    *without(PERSON, "role"),
    group(
        "criminal_history", "Criminal history", "The suspect's criminal history.", CRIMINAL_HISTORY
    ),
]

OPPRED = ReportTypeSpec(
    code="OPPRED",
    label="Operation Predator SIR",
    purpose="An SIR for a sexual crime against a victim under 18.",
    programs=["HSI"],
    review=ReviewPolicy.MANDATORY,
    late_after_hours=24,  # it is an SIR (SPEC §2), so the 24-hour rule applies too
    event_at_label="Event time",
    event_at_not_future=True,
    sections=[*_INCIDENT_SECTIONS[:2], "Suspects", "Victims", *_INCIDENT_SECTIONS[2:]],
    fields=_incident_fields(
        [
            list_of(
                "suspects",
                "Suspects",
                "Each suspect, with criminal history.",
                _SUSPECT,
                max_items=PERSONS_MAX,
                section="Suspects",
            ),
            list_of(
                "victims",
                "Victims",
                "Each victim under 18: limited record only, never a name, birth date or address.",
                OPPRED_VICTIM,
                max_items=PERSONS_MAX,
                required=True,
                section="Victims",
            ),
        ]
    ),
)

# ---- SPEAR --------------------------------------------------------------------------

SPEAR = ReportTypeSpec(
    code="SPEAR",
    label="Significant Planned Enforcement Activity Report",
    purpose="A planned enforcement or non-enforcement activity.",
    programs=["HSI"],
    review=ReviewPolicy.MANDATORY,
    event_at_label="Planned time",
    sections=["Activity", "Location", "Subjects", "Narrative", "Case"],
    fields=[
        choice(
            "activity",
            "Activity",
            "What is planned.",
            SPEAR_ACTIVITIES,
            required=True,
            section="Activity",
        ),
        group(
            "location",
            "Location",
            "Where the activity will take place.",
            _LOCATION,
            required=True,
            section="Location",
        ),
        list_of(
            "subjects",
            "Subjects",
            "The suspects the activity targets, and anyone else expected to be involved.",
            PERSON,
            max_items=PERSONS_MAX,
            section="Subjects",
        ),
        narrative(
            "narrative",
            "Proposed activity",
            "What is proposed, by whom, and why.",
            required=True,
            section="Narrative",
        ),
        group(
            "case_information",
            "Program case information",
            "The program case this activity belongs to.",
            [
                text("program_code", "Program code", "Case program code.", max_length=50),
                text("case_title", "Case title", "Title of the case."),
                text("case_agent", "Case agent", "Agent responsible for the case."),
            ],
            section="Case",
        ),
    ],
)

# ---- LEARA --------------------------------------------------------------------------

LEARA = ReportTypeSpec(
    code="LEARA",
    label="Law Enforcement Agency Request for Assistance",
    purpose="A request for assistance from another agency.",
    programs=["HSI", "ERO"],
    review=ReviewPolicy.ELECTIVE,
    event_at_label="Assistance needed at",
    sections=["Request", "Requesting agency", "Contacts", "Narrative", "Disposition"],
    fields=[
        field(
            FieldKind.DATETIME,
            "received_at",
            "Received",
            "When ICE received the request.",
            required=True,
            section="Request",
        ),
        group(
            "requesting_agency",
            "Requesting agency",
            "The agency asking for assistance.",
            AGENCY,
            required=True,
            section="Requesting agency",
        ),
        _contact("requester_contact", "Requester", "Who at that agency asked.", required=True),
        _contact(
            "receiving_contact",
            "Receiving ICE contact",
            "Who at ICE took the request.",
            required=True,
            prefill=Prefill.AUTHOR,  # the author writes up the request they took
        ),
        _contact("forwarded_to_contact", "Forwarded to", "Officer the request was forwarded to."),
        _contact("duty_officer_contact", "Duty officer", "Duty officer at the time."),
        narrative(
            "request_narrative",
            "Request",
            "What the agency asked for, and why.",
            required=True,
            section="Narrative",
        ),
        choice(
            "disposition_status",
            "Disposition",
            "Where the request stands.",
            LEARA_DISPOSITIONS,
            required=True,
            section="Disposition",
        ),
        narrative(
            "disposition_narrative",
            "Disposition details",
            "What was done about the request.",
            section="Disposition",
        ),
        field(
            FieldKind.DATETIME,
            "completed_at",
            "Completed",
            "When the response was completed (starts the retention clock).",
            section="Disposition",
        ),
    ],
)

# ---- SPOT ---------------------------------------------------------------------------

SPOT = ReportTypeSpec(
    code="SPOT",
    label="SPOT Report",
    purpose="An imminent threat or critical incident, reported fast.",
    programs=["HSI", "ERO"],
    review=ReviewPolicy.NONE,
    default_priority="flash",
    event_at_label="Incident time",
    event_at_now=True,  # reported as it happens: the time is filled in, to be corrected
    sections=["Threat", "Contacts", "Authorization"],
    fields=[
        text(
            "subject_line",
            "Subject line",
            "One line saying what the threat is.",
            required=True,
            pii=True,
            section="Threat",
        ),
        choice(
            "threat_type",
            "Threat type",
            "What kind of threat or incident.",
            SPOT_THREATS,
            required=True,
            section="Threat",
        ),
        narrative(
            "summary",
            "Summary",
            "What is known now; update by amendment as it develops.",
            required=True,
            section="Threat",
        ),
        *_own_contacts("reporting_officer", "Reporting officer"),
        list_of(
            "government_contacts",
            "Government points of contact",
            "Other government officials to contact about the threat.",
            CONTACT,
            max_items=LIST_MAX,
            section="Contacts",
        ),
        # SPOT skips review for speed, so who authorized it must be on record (SPEC §3);
        # picked from the office list, so that it names an office SEN knows.
        field(
            FieldKind.OFFICE,
            "authorizing_office",
            "Authorizing office",
            "Office that authorized this SPOT.",
            required=True,
            max_length=40,
            section="Authorization",
        ),
        group(
            "authorizing_contact",
            "Authorizing official",
            "Official who authorized this SPOT.",
            CONTACT,
            section="Authorization",
        ),
    ],
)

# ---- ERO_LEAD -----------------------------------------------------------------------

_ENTITY = [
    choice(
        "kind",
        "Kind",
        "Whether the lead concerns a person, business or organization.",
        ENTITY_KINDS,
        required=True,
    ),
    # Not starred in the SPEC, but for a person the name is the identity itself.
    text("name", "Name", "Name of the person, business or organization.", pii=True),
    text(
        "mother_maiden_name",
        "Mother's maiden name",
        "Person only: mother's maiden name.",
        pii=True,
    ),
    choice("sex", "Sex", "Person only: sex as recorded.", SEX),
    field(
        FieldKind.DATE, "date_of_birth", "Date of birth", "Person only: date of birth.", pii=True
    ),
    count("age", "Age", "Person only: age in years.", max_value=130),
    text("residence_city", "Residence city", "Person only: city of residence."),
    text("residence_state", "Residence state", "Person only: state of residence."),
    group(
        "criminal_history", "Criminal history", "Person only: criminal history.", CRIMINAL_HISTORY
    ),
    text("citizenship_status", "Citizenship status", "Person only: citizenship status."),
    text("country_of_citizenship", "Country of citizenship", "Person only: citizenship."),
    text("country_of_birth", "Country of birth", "Person only: country of birth."),
    text("immigration_status", "Immigration status", "Person only: immigration status."),
    field(
        FieldKind.A_NUMBER,
        "a_number",
        "A-number",
        "Person only: A followed by 8 or 9 digits.",
        pii=True,
    ),
    field(FieldKind.DATE, "entry_date", "Entry date", "Person only: date of entry to the U.S."),
    text("fin", "FIN", "Person only: fingerprint identification number.", pii=True, max_length=20),
]

ERO_LEAD = ReportTypeSpec(
    code="ERO_LEAD",
    label="ERO Intelligence Lead",
    purpose="Intelligence gathered by ERO.",
    programs=["ERO"],
    review=ReviewPolicy.ELECTIVE,
    event_at_label="Information gathered",
    sections=["Lead", "Entity", "Narrative", "Contacts"],
    fields=[
        # Named apart from the envelope title, which is shown in queues and must stay
        # PII-free; this one may name the subject.
        text(
            "lead_title",
            "Lead title",
            "Short title of the lead; may name the subject.",
            required=True,
            pii=True,
            section="Lead",
        ),
        choice(
            "subject_category",
            "Subject category",
            "What the lead is about.",
            LEAD_CATEGORIES,
            required=True,
            section="Lead",
        ),
        choice(
            "source",
            "Source",
            "How the information was obtained.",
            LEAD_SOURCES,
            required=True,
            section="Lead",
        ),
        text("lead_city", "City", "City the lead concerns.", section="Lead"),
        text("lead_state", "State", "State the lead concerns.", section="Lead"),
        group(
            "entity",
            "Entity",
            "The person, business or organization the lead is about.",
            _ENTITY,
            required=True,
            section="Entity",
        ),
        narrative(
            "narrative",
            "Narrative",
            "The information gathered and how it was obtained.",
            required=True,
            section="Narrative",
        ),
        *_own_contacts("reporting_contact", "Reporting officer"),
    ],
)

# ---- ERO_TAV ------------------------------------------------------------------------

ERO_TAV = ReportTypeSpec(
    code="ERO_TAV",
    label="Third Agency Visit",
    purpose="Another agency asks to interview a detainee.",
    programs=["ERO"],
    review=ReviewPolicy.ELECTIVE,
    event_at_label="Request received",
    sections=["Detainee", "Visit", "Requesting agency", "Contacts", "Narrative"],
    fields=[
        group(
            "detainee",
            "Detainee",
            "The detainee to be interviewed.",
            [
                text("name", "Name", "Detainee's full name.", required=True, pii=True),
                field(
                    FieldKind.A_NUMBER,
                    "a_number",
                    "A-number",
                    "A followed by 8 or 9 digits.",
                    required=True,
                    pii=True,
                ),
                text("fin", "FIN", "Fingerprint identification number.", pii=True, max_length=20),
            ],
            required=True,
            section="Detainee",
        ),
        text("facility", "Facility", "Where the detainee is held.", required=True, section="Visit"),
        field(
            FieldKind.DATETIME,
            "visit_at",
            "Visit time",
            "When the visit is to take place.",
            required=True,
            section="Visit",
        ),
        text(
            "purpose",
            "Purpose",
            "Why the agency wants the interview.",
            required=True,
            section="Visit",
        ),
        group(
            "requesting_agency",
            "Requesting agency",
            "The agency asking to visit.",
            AGENCY,
            required=True,
            section="Requesting agency",
        ),
        group(
            "requesting_officer_contact",
            "Requesting officer",
            "The visiting agency's officer.",
            CONTACT,
            required=True,
            section="Requesting agency",
        ),
        _contact(
            "reporting_contact",
            "Reporting ICE contact",
            "Who is reporting.",
            required=True,
            prefill=Prefill.AUTHOR,
        ),
        _contact("ero_poc_contact", "ERO point of contact", "ERO contact for the visit."),
        narrative(
            "narrative",
            "Narrative",
            "Anything else the visit needs: conditions, escorts, outcome.",
            section="Narrative",
        ),
    ],
)

# ---- NEWS ---------------------------------------------------------------------------

NEWS = ReportTypeSpec(
    code="NEWS",
    label="News Story",
    purpose="A news story about the agency (Public Affairs).",
    programs=[],  # created by the public_affairs role, whatever its program
    review=ReviewPolicy.NONE,
    event_at_label="Event covered",
    sections=["Story", "Related reports"],
    fields=[
        text("headline", "Headline", "The story's headline.", required=True, section="Story"),
        text("outlet", "Outlet", "Newspaper, broadcaster or site.", required=True, section="Story"),
        field(
            FieldKind.URL,
            "url",
            "URL",
            "Link to the story (http or https).",
            max_length=2000,
            section="Story",
        ),
        field(
            FieldKind.DATETIME,
            "published_at",
            "Published",
            "When the story was published.",
            required=True,
            section="Story",
        ),
        narrative("summary", "Summary", "What the story says about the agency.", section="Story"),
        field(
            FieldKind.REPORT_IDS,
            "related_report_ids",
            "Related reports",
            "IDs of reports the story is about, e.g. SIR-2026-000042.",
            max_items=LIST_MAX,
            section="Related reports",
        ),
    ],
)

# ---- the catalogue ------------------------------------------------------------------

CATALOGUE = Catalogue(types=[SIR, OPPRED, SPEAR, LEARA, SPOT, ERO_LEAD, ERO_TAV, NEWS])
TYPES_BY_CODE: dict[str, ReportTypeSpec] = {t.code: t for t in CATALOGUE.types}


def get_type(code: str) -> ReportTypeSpec:
    """The definition of report type ``code``; KeyError if there is none."""
    try:
        return TYPES_BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown report type: {code}") from None


def program_report_types(program: str) -> frozenset[str]:
    """The report types a programme's authors write: the one source is each type's
    ``programs`` (SPEC §1: HSI writes SIR, OPPRED, SPEAR, LEARA, SPOT; ERO writes SIR,
    LEARA, SPOT, ERO_LEAD, ERO_TAV)."""
    return frozenset(t.code for t in CATALOGUE.types if program in t.programs)


def send_actions(review: ReviewPolicy) -> frozenset[ReportAction]:
    """How the author may send a draft under a review policy (SPEC §3): straight to
    submission, to a supervisor's review, or either. The server's policy and a client's
    new, unsaved form both ask this one function."""
    actions = set()
    if review != ReviewPolicy.MANDATORY:
        actions.add(ReportAction.SUBMIT)
    if review != ReviewPolicy.NONE:
        actions.add(ReportAction.REQUEST_REVIEW)
    return frozenset(actions)
