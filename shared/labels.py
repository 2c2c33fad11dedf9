"""Field paths in words: what a person reads where the wire says "body.subjects.0.a_number".

The catalogue knows each report field's label; everything else (envelope and account
fields) reads as its name in words. List entries are numbered from 1, as on the form.
"""

from collections.abc import Sequence

from shared.fields import FieldSpec, ReportTypeSpec

ENVELOPE = {
    "title": "Title",
    "event_at": "Event time",
    "priority": "Priority",
    "type": "Report type",
    "body": "Report",
    "base_revision": "Revision",
    "recipients": "Recipients",
    "recipients.users": "Recipients (people)",
    "recipients.offices": "Recipients (offices)",
    "current_password": "Current password",
    "new_password": "New password",
}
SEPARATOR = " · "


def humanize_path(path: str) -> str:
    """A path in words without a catalogue: names as words, indexes counted from 1."""
    if path in ENVELOPE:
        return ENVELOPE[path]
    parts = path.split(".")
    head = ENVELOPE.get(".".join(parts[:2])) if len(parts) > 2 else None
    if head is not None:
        parts = parts[2:]
    words = [str(int(p) + 1) if p.isdigit() else p.replace("_", " ") for p in parts]
    text = " ".join(words) if head is None else f"{head} {' '.join(words)}"
    return text[:1].upper() + text[1:]


def label_of(spec: ReportTypeSpec, path: str) -> str:
    """A report field's path in the catalogue's own labels, e.g. "Subjects 1 · A-number"."""
    if path == "event_at":
        return spec.event_at_label
    parts = path.split(".")
    if parts[0] != "body" or len(parts) == 1:
        return humanize_path(path)
    words: list[str] = []
    fields: Sequence[FieldSpec] = spec.fields
    for part in parts[1:]:
        if part.isdigit():
            number = str(int(part) + 1)
            if words:
                words[-1] = f"{words[-1]} {number}"
            else:
                words.append(number)
            continue
        found = next((f for f in fields if f.name == part), None)
        if found is None:
            return humanize_path(path)
        words.append(found.label)
        fields = found.fields or []
    return SEPARATOR.join(words)
