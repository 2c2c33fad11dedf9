"""Delivering a sent summary's email: the outbox handler for ``summary.email``.

With SMTP configured (``SEN_SMTP_HOST``), aiosmtplib sends it with STARTTLS and AUTH; a 4xx
reply or an unreachable server is retried by the outbox with backoff, a 5xx reply fails the
message at once with the server's reply kept. Without SMTP the message is written to a
Maildir in the data folder, so nothing leaves the machine. The message is rebuilt from the
sent (immutable) summary each try, so every try sends the same bytes and Message-ID.

Exactly once: the outbox marks a message done only after the handler returns, so a server
killed in the instant between the mail server's "250" and that mark would send it again on
restart (with the same Message-ID, which receivers use to drop repeats). The Maildir write
is idempotent: its file is named after the Message-ID and is not written twice.
"""

import logging
import mailbox
import os
import ssl
from email.message import EmailMessage
from hashlib import sha256
from pathlib import Path
from typing import Any

import aiosmtplib

from sen_server.jobs.outbox import DeliveryFailed
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from sen_server.summaries.email import build_message
from sen_server.summaries.models import Summary
from shared.summaries import Citation, Paragraph

log = logging.getLogger("sen.summaries")

KIND = "summary.email"


def subject_of(summary_id: int) -> str:
    """The outbox subject of a summary's email (and of each retry of it)."""
    return f"summary:{summary_id}"


def maildir_path(settings: ServerSettings) -> Path:
    return settings.data_dir / "mail-outbox"


async def deliver_summary(runtime: Runtime, payload: dict[str, Any]) -> None:
    async with runtime.sessions() as session:
        summary = await session.get(Summary, int(payload["summary_id"]))
    if summary is None or summary.id is None or summary.sent_at is None:
        raise DeliveryFailed("the summary is not sent", permanent=True)
    settings = runtime.settings
    message = build_message(
        summary_id=summary.id,
        paragraphs=[Paragraph.model_validate(p) for p in summary.paragraphs],
        citations=[Citation.model_validate(c) for c in summary.citations],
        sender=settings.smtp_from,
        recipients=summary.recipients,
        message_id=summary.message_id or "",
        sent_at=summary.sent_at,
    )
    if settings.smtp_host:
        await _send_smtp(settings, message)
    else:
        _write_maildir(maildir_path(settings), message)


def _write_maildir(path: Path, message: EmailMessage) -> None:
    """Into ``new/`` under a name fixed by the Message-ID (a repeat finds it there)."""
    box = mailbox.Maildir(path, create=True)
    name = sha256(str(message["Message-ID"]).encode()).hexdigest()[:32] + ".sen"
    if any(key.split(":")[0] == name for key in box.iterkeys()):
        return
    temporary = path / "tmp" / name
    with open(temporary, "wb") as handle:
        handle.write(message.as_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path / "new" / name)


def _tls_context(settings: ServerSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.smtp_ca_file:
        context.load_verify_locations(cafile=str(settings.smtp_ca_file))
    return context


def _reply(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


async def _send_smtp(settings: ServerSettings, message: EmailMessage) -> None:
    password = settings.smtp_password.get_secret_value()
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password or None,
            start_tls=settings.smtp_starttls,
            tls_context=_tls_context(settings),
            timeout=30,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        reply = "; ".join(_reply(r) for r in exc.recipients)
        raise DeliveryFailed(reply, permanent=all(c >= 500 for c in codes)) from None
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryFailed(_reply(exc), permanent=exc.code >= 500) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        # Unreachable, refused, TLS failure: the server may be back later. The exception's
        # class names the problem without echoing anything the server or the message said.
        log.info("summary mail not sent: %s", type(exc).__name__)
        raise DeliveryFailed(f"mail server unreachable ({type(exc).__name__})") from None
