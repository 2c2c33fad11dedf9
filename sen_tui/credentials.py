"""The only module that touches the OS keyring (SPEC §10).

keyring calls can block on D-Bus, so call these methods from ``thread=True`` workers, never
on the event loop. Where the machine has no keyring backend the token is kept in memory
only, and :meth:`TokenStore.take_fallback_notice` says so exactly once.
"""

import threading

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

MEMORY_ONLY_NOTICE = (
    "No OS keyring is available: your session is kept in memory only and ends when SEN closes."
)


class TokenStore:
    """One session token per server, under ``service`` with the server URL as account."""

    def __init__(self, service: str, server_url: str, *, use_keyring: bool = True) -> None:
        self.service = service
        self.account = server_url
        self._memory: str | None = None
        self._keyring_usable = use_keyring
        self._notice_due = False
        self._notice_given = not use_keyring  # chosen by configuration: nothing to announce
        self._lock = threading.Lock()  # workers in threads may overlap

    @property
    def memory_only(self) -> bool:
        return not self._keyring_usable

    def load(self) -> str | None:
        with self._lock:
            if self._keyring_usable:
                try:
                    return keyring.get_password(self.service, self.account)
                except KeyringError:
                    self._fall_back()
            return self._memory

    def save(self, token: str) -> None:
        with self._lock:
            self._memory = token
            if self._keyring_usable:
                try:
                    keyring.set_password(self.service, self.account, token)
                except KeyringError:
                    self._fall_back()

    def clear(self) -> None:
        with self._lock:
            self._memory = None
            if self._keyring_usable:
                try:
                    keyring.delete_password(self.service, self.account)
                except PasswordDeleteError:
                    pass  # nothing stored: already clear
                except KeyringError:
                    self._fall_back()

    def take_fallback_notice(self) -> str | None:
        """The memory-only notice, the first time it applies; None ever after."""
        with self._lock:
            if self._notice_due and not self._notice_given:
                self._notice_given = True
                return MEMORY_ONLY_NOTICE
            return None

    def _fall_back(self) -> None:
        # NoKeyringError is a KeyringError: no backend, locked collection, D-Bus gone...
        self._keyring_usable = False
        self._notice_due = True
