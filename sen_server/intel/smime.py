"""The one way a product leaves SEN: an S/MIME message encrypted to the recipient agency's
certificate (AES-256, RSA key transport) with the marking in the subject and at the top and
bottom of the body (PIA §5.3: "encrypted as a matter of policy and labeled"). There is no
plaintext export: the plaintext exists only in memory, inside this module.

The subject is outside the encryption, so it carries the marking and the product's number,
never its title (which an analyst may have written about a person)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, make_msgid
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from sen_server.intel.models import IntelProduct

SENDER = "sen-intel@sen.invalid"


@dataclass(frozen=True)
class Export:
    subject: str
    message: bytes  # the whole .eml: headers + the enveloped-data part
    sha256: str


def product_text(product: IntelProduct) -> str:
    """The product as the recipient reads it, marked at the top and the bottom."""
    lines = [product.marking, "", f"Intelligence product IP-{product.id}: {product.title}", ""]
    if product.summary:
        lines += ["Summary", product.summary, ""]
    if product.caveats:
        lines += ["Handling caveats", product.caveats, ""]
    removed_by_lead: dict[str, list[str]] = {}
    for item in product.removed:
        removed_by_lead.setdefault(item["report_id"], []).append(item["label"])
    for lead_id in product.lead_ids:
        lines.append(f"Source lead {lead_id}")
        lines += [f"  {line}" for line in _flatten(product.content.get(lead_id, {}), "")]
        withheld = removed_by_lead.get(lead_id)
        if withheld:
            lines.append(f"  Withheld (personal data): {', '.join(withheld)}")
        lines.append("")
    lines.append(product.marking)
    return "\r\n".join(lines) + "\r\n"


def _flatten(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for key, inner in value.items():
            out += _flatten(inner, f"{prefix}{key}.")
        return out
    if isinstance(value, list):
        out = []
        for index, inner in enumerate(value):
            out += _flatten(inner, f"{prefix}{index + 1}.")
        return out
    if value in (None, ""):
        return []
    return [f"{prefix.rstrip('.').replace('_', ' ')}: {value}"]


def encrypted_export(
    product: IntelProduct, certificate: x509.Certificate, recipient: str, now: datetime
) -> Export:
    inner = (
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + product_text(product)
    ).encode("utf-8")
    enveloped = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(inner)
        .add_recipient(certificate)
        .set_content_encryption_algorithm(algorithms.AES256)
        .encrypt(serialization.Encoding.SMIME, [])
    )
    subject = f"[{product.marking}] SEN intelligence product IP-{product.id}"
    headers = (
        f"From: {SENDER}\r\n"
        f"To: {recipient}\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {format_datetime(now)}\r\n"
        f"Message-ID: {make_msgid(domain='sen.invalid')}\r\n"
    ).encode("ascii")
    message = headers + enveloped.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return Export(subject, message, hashlib.sha256(message).hexdigest())
