"""Fixed, synthetic report content for the client's tests."""

from typing import Any

EVENT_AT = "2026-03-01T09:30:00Z"


def sir_body(subjects: int = 0) -> dict[str, Any]:
    return {
        "category": "seizure",
        "location": {"facility": "Cargo terminal 4", "city": "Jamaica", "state": "NY"},
        "narrative": "Synthetic narrative: a routine inspection found undeclared goods.",
        "reporting_contact": {"name": "Synthetic Agent", "title": "Special Agent"},
        "subjects": [
            {"role": "suspect", "first_name": f"Synthetic{n}", "last_name": "Person"}
            for n in range(subjects)
        ],
    }


def spot_body() -> dict[str, Any]:
    return {
        "subject_line": "Synthetic threat to the field office",
        "threat_type": "threat_to_facility",
        "summary": "Synthetic summary of an imminent threat.",
        "reporting_officer": {"name": "Synthetic Officer"},
        "authorizing_office": "FOD-NYC",
    }


def leara_body() -> dict[str, Any]:
    contact = {"name": "Synthetic Contact", "title": "Deputy", "phone": "+1 212 555 0100"}
    return {
        "received_at": "2026-03-01T09:00:00Z",
        "requesting_agency": {"name": "Synthetic County Sheriff", "level": "local"},
        "requester_contact": contact,
        "receiving_contact": contact,
        "request_narrative": "Synthetic request for a K-9 unit at the port.",
        "disposition_status": "open",
    }
