"""Transfer packages for the records centre (SPEC §8).

A package is a folder: ``records.jsonl`` (one record a line: the report, every version and
its routing, as canonical JSON), ``manifest.json`` (each record's ID and the SHA-256 of its
line, and the SHA-256 of the whole file) and ``manifest.sig`` (an Ed25519 signature over the
manifest, made with the audit key or a separate records key; ``records-key.pem`` is the
public half, for the receiving centre). The folder is written under a temporary name and
renamed when complete, so a package either exists whole or not at all.
"""

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RECORDS = "records.jsonl"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "records-key.pem"
SIGNED_PREFIX = b"sen-transfer-manifest\n"


def canonical_line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key in ``path``: a public key file, or the private key it belongs to."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class PackedRecord:
    report_id: str
    revision: int
    sha256: str


@dataclass(frozen=True)
class Package:
    path: Path
    name: str
    records: list[PackedRecord]


def new_package_name(now: datetime) -> str:
    return f"transfer-{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_package(
    folder: Path, name: str, records: list[tuple[str, int, dict[str, Any]]], key: Ed25519PrivateKey
) -> Package:
    """Write ``records`` (ID, revision, record) as package ``name`` under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = folder / f".{name}.partial"
    staging.mkdir(mode=0o700)
    lines = [canonical_line(record) for _, _, record in records]
    packed = [
        PackedRecord(report_id, revision, sha256(line))
        for (report_id, revision, _), line in zip(records, lines, strict=True)
    ]
    content = b"".join(line + b"\n" for line in lines)
    _write(staging / RECORDS, content)
    manifest = {
        "package": name,
        "records_file": RECORDS,
        "records_file_sha256": sha256(content),
        "records": [
            {"id": p.report_id, "revision": p.revision, "sha256": p.sha256} for p in packed
        ],
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
    _write(staging / MANIFEST, manifest_bytes)
    _write(staging / SIGNATURE, base64.b64encode(key.sign(SIGNED_PREFIX + manifest_bytes)) + b"\n")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write(staging / PUBLIC_KEY, public)
    final = folder / name
    staging.rename(final)
    _fsync_dir(folder)
    return Package(final, name, packed)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partial_packages(folder: Path) -> int:
    """Remove packages an interrupted run left half-written (none of their records was
    removed from the live store: that happens only once a package is complete)."""
    removed = 0
    if not folder.exists():
        return 0
    for staging in folder.glob(".*.partial"):
        for file in staging.iterdir():
            file.unlink()
        staging.rmdir()
        removed += 1
    return removed


def read_package(path: Path) -> Package:
    manifest = json.loads((path / MANIFEST).read_text())
    records = [PackedRecord(r["id"], r["revision"], r["sha256"]) for r in manifest["records"]]
    return Package(path, manifest["package"], records)


def complete_packages(folder: Path) -> list[Package]:
    if not folder.exists():
        return []
    return [
        read_package(path)
        for path in sorted(folder.iterdir())
        if path.is_dir() and not path.name.startswith(".") and (path / MANIFEST).exists()
    ]


def verify_package(path: Path, public_key: Ed25519PublicKey) -> list[str]:
    """What is wrong with the package at ``path`` (nothing: it verifies)."""
    problems: list[str] = []
    manifest_bytes = (path / MANIFEST).read_bytes()
    try:
        signature = base64.b64decode((path / SIGNATURE).read_bytes().strip())
        public_key.verify(signature, SIGNED_PREFIX + manifest_bytes)
    except (InvalidSignature, ValueError, FileNotFoundError):
        problems.append("the manifest's signature does not verify with this key")
    manifest = json.loads(manifest_bytes)
    content = (path / manifest["records_file"]).read_bytes()
    if sha256(content) != manifest["records_file_sha256"]:
        problems.append("the records file's SHA-256 differs from the manifest's")
    lines = content.splitlines()
    listed = manifest["records"]
    if len(lines) != len(listed):
        problems.append(f"{len(lines)} records in the file, {len(listed)} in the manifest")
    for number, (line, entry) in enumerate(zip(lines, listed, strict=False), start=1):
        if sha256(line) != entry["sha256"]:
            problems.append(f"record {number} ({entry['id']}): SHA-256 differs")
        elif json.loads(line).get("id") != entry["id"]:
            problems.append(f"record {number}: is not {entry['id']}")
    ids = [entry["id"] for entry in listed]
    if len(ids) != len(set(ids)):
        problems.append("a record is listed twice")
    return problems
