"""The client's parts on their own: URL rules, the keyring fallback, value parsing, how
values are shown, bindings and their command-palette names, and which parts may import
which."""

import ast
import importlib
import pkgutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from textual.binding import Binding
from textual.widget import Widget

import sen_tui
from sen_tui.api import InsecureServerUrl, check_server_url
from sen_tui.app import SenApp
from sen_tui.commands import command_title
from sen_tui.credentials import MEMORY_ONLY_NOTICE, TokenStore
from sen_tui.demo import parse_accounts
from sen_tui.formatting import count, shown
from sen_tui.widgets.form_values import from_text, parse_datetime, to_text
from shared.fields import FieldKind


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8470", "http://localhost:1", "http://[::1]:2", "https://sen.example"]
)
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    check_server_url(url, allow_insecure_http=False)


def test_plain_http_elsewhere_needs_to_be_forced() -> None:
    with pytest.raises(InsecureServerUrl, match="unencrypted"):
        check_server_url("http://sen.example", allow_insecure_http=False)
    check_server_url("http://sen.example", allow_insecure_http=True)
    with pytest.raises(InsecureServerUrl):
        check_server_url("ftp://sen.example", allow_insecure_http=True)


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_without_a_keyring_the_token_stays_in_memory_and_that_is_said_once() -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        store = TokenStore("sen-test", "http://127.0.0.1:1")
        store.save("token-1")
        assert store.load() == "token-1" and store.memory_only
        assert store.take_fallback_notice() == MEMORY_ONLY_NOTICE
        store.save("token-2")
        assert store.take_fallback_notice() is None
        store.clear()
        assert store.load() is None
    finally:
        keyring.set_keyring(previous)


def test_with_a_keyring_the_token_outlives_the_store() -> None:
    previous, backend = keyring.get_keyring(), MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        TokenStore("sen-test", "https://sen.example").save("token-1")
        again = TokenStore("sen-test", "https://sen.example")
        assert again.load() == "token-1" and not again.memory_only
        assert again.take_fallback_notice() is None
        again.clear()
        assert backend.items == {}
    finally:
        keyring.set_keyring(previous)


def test_times_as_typed_become_utc() -> None:
    moment = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    assert parse_datetime("2026-03-01 14:30") == moment
    assert parse_datetime("2026-03-01T16:30+02:00") == moment
    assert parse_datetime("tomorrow") is None
    assert from_text(FieldKind.DATETIME, "2026-03-01 14:30") == "2026-03-01T14:30:00Z"
    assert from_text(FieldKind.DATETIME, "soon") == "soon"  # validation names the field
    assert from_text(FieldKind.INTEGER, " 42 ") == 42
    assert from_text(FieldKind.REPORT_IDS, "SIR-2026-000001, SPOT-2026-000002") == [
        "SIR-2026-000001",
        "SPOT-2026-000002",
    ]
    assert from_text(FieldKind.TEXT, "   ") is None
    assert to_text(FieldKind.DATETIME, "2026-03-01T14:30:00Z") == "2026-03-01 14:30"


def test_values_in_a_version_diff_read_on_one_line() -> None:
    assert shown(None) == "—"
    assert shown(["SIR-2026-000001", "SPOT-2026-000002"]) == "SIR-2026-000001, SPOT-2026-000002"
    assert shown("A narrative\nover   two lines") == "A narrative over two lines"
    assert shown("x" * 80, limit=10) == "x" * 9 + "…"


def test_times_in_a_version_diff_read_as_on_the_rest_of_the_screen() -> None:
    assert shown("2026-03-01T14:30:05.123456+00:00") == "2026-03-01 14:30Z"
    assert shown("2026-03-01T09:30:05-05:00") == "2026-03-01 14:30Z"
    assert shown("1984-07-02") == "1984-07-02"  # a date of birth is a date, not a time
    assert shown("Tuesday at noon") == "Tuesday at noon"


def test_counts_read_with_separators_and_say_where_counting_stopped() -> None:
    assert count(7) == "7"
    assert count(1204) == "1,204"
    assert count(1000, exact=False) == "1,000+"  # the server counts at most so far


def test_demo_accounts_start_with_the_new_york_chain() -> None:
    listing = "admin          HQ   admin   HQ\nagent.nyc      HSI  agent   RAC-LI\n"
    assert [a.username for a in parse_accounts(listing)] == ["agent.nyc", "admin"]


def _classes_with_bindings() -> list[type[Any]]:
    """Every widget, screen and dialog of the client that declares bindings: all modules,
    so that a new dialog cannot be forgotten here."""
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(sen_tui.__path__, "sen_tui.")
        if info.name != "sen_tui.__main__"
    ]
    found: list[type[Any]] = [SenApp]
    for module in modules:
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if ours and issubclass(value, Widget) and "BINDINGS" in vars(value):
                found.append(value)
    return found


def test_every_binding_has_an_id_a_description_and_a_palette_name() -> None:
    for owner in _classes_with_bindings():
        for binding in vars(owner)["BINDINGS"]:
            assert isinstance(binding, Binding), owner
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"
            group, verb = command_title(binding).split(": ", 1)
            assert group == binding.id.split(".")[0] and verb == binding.description


def _sen_tui_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.add(node.module)
    return {name for name in names if name.startswith("sen_tui.")}


def test_dialogs_import_no_screen() -> None:
    """A dialog gets what it shows as attributes and answers by dismissing: it never opens or
    names a screen (which would let screens and dialogs import each other in a circle)."""
    modals = Path(sen_tui.__file__).parent / "modals"
    for path in sorted(modals.glob("*.py")):
        screens = {name for name in _sen_tui_imports(path) if name.startswith("sen_tui.screens")}
        assert not screens, f"{path.name} imports {sorted(screens)}"
