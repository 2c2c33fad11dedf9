"""Ed25519 signatures over the chain head, with a key kept in a file outside the database.

Someone who can rewrite the database can recompute every hash of a rewritten chain; they
cannot forge a checkpoint signature without this key. The same key, through HKDF, keys the
digests of search terms kept in the audit log: without it, a digest of a searched A-number
cannot be matched by trying every A-number (an unkeyed SHA-256 of one fell in seconds).
"""

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def checkpoint_payload(seq: int, chain_hash: str, every: int | None = None) -> bytes:
    """What a checkpoint signs. The interval is signed too (checkpoints since 0013), so
    that nobody without the key can loosen it; older checkpoints sign without it."""
    interval = "" if every is None else f"\nevery {every}"
    return f"sen-audit-checkpoint\n{seq}\n{chain_hash}{interval}".encode()


class CheckpointSigner:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]
        secret = private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        self._term_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"sen search-term digests"
        ).derive(secret)

    @classmethod
    def load_or_create(cls, path: Path) -> "CheckpointSigner":
        if not path.exists():
            cls._create(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return cls(key)

    @staticmethod
    def _create(path: Path) -> None:
        """A new key at ``path``, unless another process starting at the same moment (the
        demo's server and its data builder) put one there first: then that one is kept."""
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written whole under a name of its own (0600 from the start: the key must never be
        # readable by others), then linked into place: the link fails if a key is there
        # already, and nobody ever reads half a key.
        draft = path.with_name(f".{path.name}.{os.getpid()}.new")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)

    def term_digest(self, terms: str) -> str:
        """A keyed digest of search terms (normalised by the caller) for the audit log."""
        return hmac.new(self._term_key, terms.encode(), hashlib.sha256).hexdigest()

    def username_digest(self, username: str) -> str:
        """A short keyed digest of a username nobody has: the failed-logon report groups
        attempts by it without showing what was typed (often a password in the wrong box)."""
        mac = hmac.new(self._term_key, b"username\n" + username.encode(), hashlib.sha256)
        return mac.hexdigest()[:16]

    def sign(self, seq: int, chain_hash: str, every: int | None = None) -> str:
        payload = checkpoint_payload(seq, chain_hash, every)
        return base64.b64encode(self._key.sign(payload)).decode()

    def verify(self, seq: int, chain_hash: str, signature: str, every: int | None = None) -> bool:
        try:
            self._key.public_key().verify(
                base64.b64decode(signature), checkpoint_payload(seq, chain_hash, every)
            )
        except (InvalidSignature, ValueError):
            return False
        return True
