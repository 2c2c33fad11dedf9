"""Synthetic report bodies, generated from the catalogue so every type stays fillable.

Values come from Faker plus :class:`AgencyProvider`, this domain's own provider (agencies
that are agencies, officials' job titles, facilities, countries of birth), and are then made
consistent with each other the way a real report's would be: a date of birth that gives the
stated age, a LEARA whose disposition says whether it was completed (and when). Every
person, agency and place here is synthetic.
"""

import random
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from faker import Faker
from faker.providers import BaseProvider

from sen_server.demo.organisation import OFFICES
from shared.fields import FieldKind, FieldSpec, ReportTypeSpec

K = FieldKind
OFFICE_CODES = [office.code for office in OFFICES]

FEDERAL_AGENCIES = [
    "U.S. Marshals Service",
    "Drug Enforcement Administration",
    "Federal Bureau of Investigation",
    "U.S. Customs and Border Protection",
    "Bureau of Alcohol, Tobacco, Firearms and Explosives",
    "U.S. Secret Service",
    "U.S. Coast Guard Investigative Service",
]
FOREIGN_AGENCIES = [
    "Royal Canadian Mounted Police",
    "Mexican Fiscalía General de la República",
    "Policía Nacional Civil de Guatemala",
]
OFFICIAL_TITLES = [
    "Special Agent",
    "Deportation Officer",
    "Supervisory Special Agent",
    "Supervisory Detention and Deportation Officer",
    "Group Supervisor",
    "Intelligence Research Specialist",
    "Detective",
    "Sergeant",
    "Task Force Officer",
]
COUNTRIES = [
    "Mexico",
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Colombia",
    "Venezuela",
    "Dominican Republic",
    "Ecuador",
    "China",
    "India",
    "Haiti",
    "Brazil",
    "United States",
]
IMMIGRATION_STATUSES = [
    "Lawful permanent resident",
    "Visa overstay",
    "Entered without inspection",
    "Asylum applicant",
    "Temporary protected status",
    "U.S. citizen",
]
SEIZURES = [
    ("Fentanyl powder", "kg"),
    ("Methamphetamine", "kg"),
    ("Cocaine", "kg"),
    ("Handgun", "each"),
    ("Rifle", "each"),
    ("U.S. currency", "USD"),
    ("Counterfeit identity documents", "each"),
    ("Mobile phones", "each"),
]
HEADLINES = [
    "Federal agents make arrests in {city} operation",
    "{city} officials question immigration detention contract",
    "Smuggling ring dismantled after months-long {city} investigation",
    "Community meeting in {city} on enforcement at courthouses",
    "Counterfeit goods seized at {city} port of entry",
    "{city} family reunited after agency rescues trafficking victims",
    "Agency opens new field office in {city}",
    "Former detainee in {city} files complaint over conditions",
]
# Synthetic outlets, few enough that the news list's outlet filter finds several stories.
OUTLETS = [
    "The Harbor City Herald",
    "Metro Daily Tribune",
    "Channel 9 Evening News",
    "Capitol Wire Service",
    "The Riverside Gazette",
    "Coastal Public Radio",
]
INJURIES = [
    "Minor laceration to the hand",
    "Sprained ankle during the foot pursuit",
    "Bruising to the forearm",
    "Complaint of chest pain; evaluated and released",
]
# Dispositions that close a request, and those that leave it open (catalogue order).
CLOSED_DISPOSITIONS = {"assistance_provided", "declined", "referred", "completed"}


class AgencyProvider(BaseProvider):
    """Faker provider for the people and places a SEN report names."""

    def agency(self) -> tuple[str, str]:
        """(name, level) of a law-enforcement agency."""
        level = self.random_element(
            OrderedDict(local=0.45, state=0.2, federal=0.25, foreign=0.05, tribal=0.05)
        )
        faker = self.generator
        if level == "local":
            name = self.random_element(
                [
                    f"{faker.city()} Police Department",
                    f"{faker.last_name()} County Sheriff's Office",
                ]
            )
        elif level == "state":
            name = f"{faker.state()} State Police"
        elif level == "federal":
            name = self.random_element(FEDERAL_AGENCIES)
        elif level == "foreign":
            name = self.random_element(FOREIGN_AGENCIES)
        else:
            name = f"{faker.last_name()} Tribal Police Department"
        return str(name), str(level)

    def official_title(self) -> str:
        return str(self.random_element(OFFICIAL_TITLES))

    def facility(self) -> str:
        kind = self.random_element(
            ["Processing Center", "Detention Facility", "County Jail", "Port of Entry"]
        )
        return f"{self.generator.city()} {kind}"

    def country(self) -> str:
        return str(self.random_element(COUNTRIES))

    def immigration_status(self) -> str:
        return str(self.random_element(IMMIGRATION_STATUSES))

    def seizure(self) -> tuple[str, str]:
        description, unit = self.random_element(SEIZURES)
        return str(description), str(unit)


def demo_faker(seed: int) -> Faker:
    fake = Faker("en_US")
    fake.add_provider(AgencyProvider)
    fake.seed_instance(seed)
    return fake


def fake_body(
    spec: ReportTypeSpec, fake: Faker, rng: random.Random, now: datetime
) -> dict[str, Any]:
    if not hasattr(fake, "official_title"):  # a plain Faker (test factories, benchmarks)
        fake.add_provider(AgencyProvider)
    body = _fill(spec.fields, fake, rng, now)
    if spec.code == "LEARA":
        _settle_leara(body, fake, rng, now)
    if spec.code == "SPOT":
        _settle_spot(body, fake)
    if spec.code == "OPPRED":
        _settle_oppred(body)
    _write_story(spec.code, body, fake)
    return body


# What a SPOT's subject line says, by its threat type: the distinctive words first, so
# that a queue cut at 80 columns still tells one threat from another.
_SPOT_LINES = {
    "threat_to_personnel": [
        "Threats against agents posted online, {city}",
        "Caller threatens to harm officers at {facility}",
        "Agent's home address found on a cartel list, {city}",
    ],
    "threat_to_facility": [
        "Suspicious package at {facility}",
        "Bomb threat phoned in to {facility}",
        "Vehicle tried to breach the gate at {facility}",
    ],
    "critical_incident": [
        "Shots fired outside {facility}",
        "Fire at {facility}: detainees moved",
        "Hostage situation reported in {city}",
    ],
    "officer_safety": [
        "Armed subject barricaded in {city}",
        "Armed fugitive sighted near {facility}",
        "Officer-safety alert: armed escort ambushed near {city}",
    ],
    "other": [
        "Drone flying over {facility}",
        "Cameras down at {facility} after a power cut",
    ],
}


def _settle_spot(body: dict[str, Any], fake: Faker) -> None:
    """A subject line that says what the threat is, matching its threat type."""
    lines = _SPOT_LINES.get(str(body.get("threat_type")), _SPOT_LINES["other"])
    line = str(fake.random_element(lines))
    body["subject_line"] = line.format(city=fake.city(), facility=fake.facility())


# Operation Predator reports (sexual crimes against minors) are arrests and seizures of
# evidence: (title, narrative opening) by category. Sober wording, as in the real reports.
_OPPRED = {
    "arrest": (
        "Arrest for online enticement of a minor in {where}",
        "Agents arrested a subject for the online enticement of a minor",
    ),
    "seizure": (
        "Devices seized in a child exploitation case in {where}",
        "Agents executing a search warrant seized devices believed to hold child sexual "
        "abuse material",
    ),
}


def _settle_oppred(body: dict[str, Any]) -> None:
    """An arrest or a seizure, never an SIR category that cannot be an OPPRED (an assault
    on an officer, an escape). Derived from the drawn category: no extra random draw."""
    body["category"] = "seizure" if body.get("category") == "seizure" else "arrest"


def _oppred_text(body: dict[str, Any]) -> tuple[str, str]:
    return _OPPRED.get(str(body.get("category")), _OPPRED["arrest"])


def fake_title(spec: ReportTypeSpec, body: dict[str, Any]) -> str:
    """A title such as an officer would give it, from what the body says."""
    where = _where(body)
    code = spec.code
    if code == "OPPRED":
        return _oppred_text(body)[0].format(where=where)[:200]
    if code == "SIR":
        what = str(body.get("category", "other"))
        return _SIR_TITLES.get(what, "Incident in {where}").format(where=where)[:200]
    if code == "SPEAR":
        activity = str(body.get("activity", "operation")).replace("_", " ")
        return f"Planned {activity} in {where}"
    if code == "LEARA":
        agency = body.get("requesting_agency", {}).get("name", "Agency")
        return f"{agency} requests assistance"[:200]
    if code == "SPOT":
        return str(body.get("subject_line", "Threat report"))[:200]
    if code == "ERO_LEAD":
        category = str(body.get("subject_category", "other")).replace("_", " ")
        return f"{category.capitalize()} lead, {body.get('lead_city', 'unknown city')}"
    if code == "ERO_TAV":
        return f"Agency visit to a detainee at {body.get('facility', 'a facility')}"
    return str(body.get("headline", "News story"))[:200]


_SIR_TITLES = {
    "arrest": "Arrest of a wanted subject in {where}",
    "seizure": "Seizure during a vehicle stop in {where}",
    "assault_on_employee": "Officer assaulted during an arrest in {where}",
    "firearm_discharge": "Firearm discharged during an enforcement action in {where}",
    "use_of_force": "Use of force during an arrest in {where}",
    "employee_injury_or_death": "Employee injured on duty in {where}",
    "detainee_injury_or_death": "Detainee taken to hospital from custody in {where}",
    "escape": "Detainee escape in {where}",
    "other": "Incident in {where}",
}


def _where(body: dict[str, Any]) -> str:
    place = body.get("location") or {}
    city = place.get("city") or body.get("lead_city") or "an unknown city"
    state = place.get("state") or body.get("lead_state")
    return f"{city}, {state}" if state else str(city)


def _subject_phrase(body: dict[str, Any]) -> str:
    people = body.get("subjects") or body.get("suspects") or []
    if not people:
        return "No subjects were identified at the time of this report."
    first = people[0]
    name = " ".join(str(first.get(k, "")) for k in ("first_name", "last_name")).strip()
    age = f", {first['age']}," if "age" in first else ""
    country = first.get("country_of_citizenship")
    nation = f" a citizen of {country}" if country else ""
    more = f" {len(people) - 1} other person(s) were also involved." if len(people) > 1 else ""
    return f"The primary subject is {name or 'an unidentified person'}{age}{nation}.{more}"


def _write_story(code: str, body: dict[str, Any], fake: Faker) -> None:
    """Narratives that read like a report: what happened, to whom, what follows."""
    where = _where(body)
    agent = fake.official_title().lower()
    a_agent = f"{'an' if agent[0] in 'aeiou' else 'a'} {agent}"
    if "narrative" in body and code == "OPPRED":
        body["narrative"] = (
            f"{_oppred_text(body)[1]} in {where}. {_subject_phrase(body)} "
            "The victims appear in the limited victim records only. The case was referred "
            "to the local child advocacy centre and forensic review of the evidence is "
            "under way."
        )
    elif "narrative" in body and code == "SIR":
        what = str(body.get("category", "other"))
        body["narrative"] = (
            f"{_SIR_OPENINGS.get(what, 'An incident took place')} in {where}. "
            f"{_subject_phrase(body)} {a_agent.capitalize()} on scene secured the area and "
            "notified the duty supervisor. The subject was transported for processing; "
            "follow-up interviews are scheduled and evidence was logged."
        )
    elif "narrative" in body and code == "SPEAR":
        activity = str(body.get("activity", "operation")).replace("_", " ")
        body["narrative"] = (
            f"Agents propose a {activity} in {where} as part of an ongoing investigation. "
            f"{_subject_phrase(body)} The operations plan includes a pre-operational briefing, "
            "local police notification and a medical contingency. "
            "Supervisory approval is requested."
        )
    elif code == "LEARA" and "request_narrative" in body:
        agency = body.get("requesting_agency", {}).get("name", "The agency")
        body["request_narrative"] = (
            f"{agency} asked for help locating and identifying a subject believed to be in "
            f"{fake.city()}. They asked for record checks and, if found, an immigration "
            "detainer. The requester can be reached through the agency's duty desk."
        )
        if "disposition_narrative" in body:
            body["disposition_narrative"] = (
                f"Record checks were run and the results passed to {agency}. "
                f"The {agent} on duty recorded the outcome."
            )
    elif "narrative" in body and code == "ERO_LEAD":
        body["narrative"] = (
            f"Information was developed in {where} during routine duties. "
            "The details were checked against agency systems and a file was opened; "
            f"{a_agent} will follow up within five working days."
        )
    elif "narrative" in body and code == "ERO_TAV":
        agency = body.get("requesting_agency", {}).get("name", "The requesting agency")
        body["narrative"] = (
            f"{agency} asked to interview a detainee held at "
            f"{body.get('facility', 'the facility')}. Identity and custody status were "
            f"confirmed and the visit was arranged with {a_agent} present throughout."
        )
    elif "summary" in body and code == "NEWS":
        body["summary"] = (
            f"{body.get('outlet', 'A local outlet')} reports on agency activity and quotes "
            "local officials. No operational details beyond what is public appear in the "
            "story; the press office has been asked for a statement."
        )
    elif "summary" in body:
        line = str(body.get("subject_line", f"Threat in {where}"))
        body["summary"] = (
            f"{line}. What is known now: the report came in minutes ago and officers are on "
            "their way or on scene. The area is being secured; more will follow by "
            "amendment as the situation develops."
        )


_SIR_OPENINGS = {
    "arrest": "Agents arrested a subject during a planned enforcement action",
    "seizure": "Officers seized contraband during a vehicle stop",
    "assault_on_employee": "An officer was assaulted while making an arrest",
    "firearm_discharge": "A firearm was discharged during an enforcement action",
    "use_of_force": "Force was used to take a resisting subject into custody",
    "employee_injury_or_death": "An employee was injured on duty",
    "detainee_injury_or_death": "A detainee was taken to hospital from custody",
    "escape": "A detainee escaped from custody",
}


def _fill(
    fields: list[FieldSpec], fake: Faker, rng: random.Random, now: datetime
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in fields:
        value = _value(f, fake, rng, now)
        if value is not None:
            body[f.name] = value
    _settle_person(body, rng, now)
    _settle_agency(body, fake)
    _settle_seizure(body, fake, rng)
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
        return (now - timedelta(days=rng.randint(30, 3650))).date().isoformat()
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
    if f.kind == K.OFFICE:  # an office of the demo organisation (the server checks it exists)
        return rng.choice(OFFICE_CODES)
    return _text(name, fake)[: f.max_length or 300]


def _text(name: str, fake: Faker) -> str:
    if "first_name" in name:
        return str(fake.first_name())
    if "last_name" in name or "maiden" in name:
        return str(fake.last_name())
    if name == "title":  # an official's job title (CONTACT)
        return str(fake.official_title())
    if name == "office_agency":
        return str(fake.agency()[0])
    if name == "facility":
        return str(fake.facility())
    if name == "hospital_name":
        return f"{fake.last_name()} Memorial Hospital"
    if name == "country":  # where something happened: the U.S. field offices' own
        return "United States"
    if name == "name" or name.endswith("_name") or name == "case_agent":
        return str(fake.name())
    if "city" in name:
        return str(fake.city())
    if "state" in name:
        return str(fake.state_abbr())
    if "country" in name:
        return str(fake.country())
    if "immigration" in name or "citizenship_status" in name:
        return str(fake.immigration_status())
    if "address" in name:
        return str(fake.address()).replace("\n", ", ")
    if name == "fin":
        return str(fake.numerify("##########"))
    if name == "subject_line":
        return f"Suspicious activity at {fake.facility()}"  # settled by threat type
    if name == "headline":
        return str(fake.random_element(HEADLINES)).format(city=fake.city())
    if name == "outlet":
        return str(fake.random_element(OUTLETS))
    if name == "lead_title":
        return f"Lead on {fake.name()}"
    if name == "purpose":
        return "Interview about an ongoing criminal investigation"
    if name == "case_title":
        return f"Operation {str(fake.word()).capitalize()}"
    if name == "offender_relationship":
        return str(fake.random_element(["stranger", "parent", "relative", "acquaintance"]))
    if name == "description":  # an injury (seized property is settled afterwards)
        return str(fake.random_element(INJURIES))
    if name == "program_code":
        return str(fake.bothify("??##", letters="ABCDEFGHJKLMNPRSTUVWXYZ"))
    return str(fake.sentence(nb_words=5)).rstrip(".")


# A person's birthday falls at least this many days from the report's day, so the stated
# age holds on any event day that close to it (ages are checked on the event's day).
BIRTHDAY_MARGIN_DAYS = 30


def _settle_person(body: dict[str, Any], rng: random.Random, now: datetime) -> None:
    """A date of birth that gives the stated age on the report's day, and on every day
    within BIRTHDAY_MARGIN_DAYS of it (an event a few hours before or weeks after)."""
    if "age" not in body or "date_of_birth" not in body:
        return
    age = body["age"]
    today = now.date()
    latest = _years_before(today, age)  # the last day on which they could turn `age`
    margin = BIRTHDAY_MARGIN_DAYS
    born = latest - timedelta(days=rng.randint(margin, 364 - margin))
    body["date_of_birth"] = born.isoformat()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _settle_agency(body: dict[str, Any], fake: Faker) -> None:
    """An agency block (name and level): an agency of that level."""
    if set(body) >= {"name", "level"} and len(body) == 2:
        body["name"], body["level"] = fake.agency()


def _settle_seizure(body: dict[str, Any], fake: Faker, rng: random.Random) -> None:
    if "description" in body and "unit" in body:
        body["description"], body["unit"] = fake.seizure()
        if body["unit"] == "each":
            body["quantity"] = float(rng.randint(1, 12))
        elif body["unit"] == "kg":
            body["quantity"] = round(rng.uniform(0.5, 40), 1)


def _settle_leara(body: dict[str, Any], fake: Faker, rng: random.Random, now: datetime) -> None:
    """Received before now; closed dispositions have a completion time after receipt and
    say what was done; open ones have neither; a forwarded one names whom to."""
    received = now - timedelta(hours=rng.randint(2, 96))
    body["received_at"] = received.astimezone(UTC).isoformat()
    status = body.get("disposition_status")
    if status in CLOSED_DISPOSITIONS:
        done = received + (now - received) * rng.uniform(0.2, 0.9)
        body["completed_at"] = done.astimezone(UTC).isoformat()
        body.setdefault("disposition_narrative", fake.paragraph(nb_sentences=3))
    else:
        body.pop("completed_at", None)
        if status == "open":
            body.pop("disposition_narrative", None)
            body.pop("forwarded_to_contact", None)
    if status != "forwarded" and status != "referred":
        body.pop("forwarded_to_contact", None)
