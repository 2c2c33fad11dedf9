"""Argon2id hashing and the password rules (SPEC §10)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("sen-dummy-password-for-timing")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    # The 30,000 most common passwords from leaked corpora, as bundled by zxcvbn.
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, username: str) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if password.strip().lower() == username.lower() or username.lower() in password.lower():
        problems.append("must not contain the username")
    if password.lower() in common_passwords():
        problems.append("is too common; choose one that is not on a list of leaked passwords")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Argon2 takes ~0.1 s of a core and releases the GIL while it runs. One worker thread: a
# flood of logons then takes one core at most, and the event loop keeps the other for
# everybody already signed in (issue 10: a login flood took /me from 11 ms to 2.1 s).
_argon2_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")


async def verify_password_off_loop(password_hash: str | None, password: str) -> tuple[bool, bool]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_argon2_pool, verify_password, password_hash, password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_argon2_pool, hash_password, password)


def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash). Runs a full Argon2 check even for unknown users."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False, False
    if password_hash is None:
        return False, False
    return True, _hasher.check_needs_rehash(password_hash)
