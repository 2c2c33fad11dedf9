"""The outbox handler that hands an encrypted export on: the e-mail channel drops the
message into a Maildir (``DATA_DIR/mail``; an SMTP relay picks it up from there), the hand
delivery channel writes it as an ``.eml`` file in ``DATA_DIR/exports``. Only the encrypted
message is ever written; folders are 0700 and files 0600."""

import base64
import mailbox
import os
from pathlib import Path
from typing import Any

from sen_server.runtime import Runtime
from shared.intel import ExportChannel


def exports_dir(runtime: Runtime) -> Path:
    return runtime.settings.data_dir / "exports"


def mail_dir(runtime: Runtime) -> Path:
    return runtime.settings.data_dir / "mail"


async def hand_on_export(runtime: Runtime, payload: dict[str, Any]) -> None:
    message = base64.b64decode(payload["message"])
    if payload["channel"] == ExportChannel.EMAIL:
        # Maildir makes its folders (0700) only when the top one does not exist yet.
        mailbox.Maildir(mail_dir(runtime), create=True).add(message)
        return
    folder = exports_dir(runtime)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / Path(payload["file_name"]).name
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(message)
