"""The summary as an email: plain text, the marking as its first and last line and in the
subject, each cited report's ID and case number, and a Message-ID fixed when it was sent (a
retry or a restart sends the same message, so a receiver can tell a repeat)."""

from email.message import EmailMessage
from email.utils import format_datetime

from shared.enums import DEFAULT_MARKING
from shared.summaries import Citation, Paragraph

RULE = "-" * 60


def subject_of(summary_id: int | None, reports: int) -> str:
    number = summary_id if summary_id is not None else "(draft)"
    plural = "report" if reports == 1 else "reports"
    return f"{DEFAULT_MARKING} // IROC summary {number}: {reports} {plural}"


def body_of(summary_id: int | None, paragraphs: list[Paragraph], citations: list[Citation]) -> str:
    cases = {c.report_id: c.case_number for c in citations}
    lines = [
        DEFAULT_MARKING,
        "",
        f"IROC summary {summary_id if summary_id is not None else '(draft)'}",
        RULE,
    ]
    for number, paragraph in enumerate(paragraphs, start=1):
        case = cases.get(paragraph.report_id) or "none"
        lines += ["", f"{number}. {paragraph.report_id} (case number: {case})", paragraph.text]
    lines += ["", RULE, "Cited reports:"]
    lines += [f"  {c.report_id}  case number: {c.case_number or 'none'}" for c in citations]
    lines += ["", DEFAULT_MARKING]
    return "\n".join(lines) + "\n"


def build_message(
    *,
    summary_id: int,
    paragraphs: list[Paragraph],
    citations: list[Citation],
    sender: str,
    recipients: list[str],
    message_id: str,
    sent_at: object,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject_of(summary_id, len(paragraphs))
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(sent_at)  # type: ignore[arg-type]
    message.set_content(body_of(summary_id, paragraphs, citations))
    return message


def message_id_for(summary_id: int, sent_at_epoch: int, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "sen.invalid"
    return f"<sen-summary-{summary_id}-{sent_at_epoch}@{domain}>"
