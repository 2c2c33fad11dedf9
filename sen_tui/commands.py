"""Every binding is also a command-palette entry, named "group: Verb" (the group is the
first part of the binding's id, e.g. ``report.approve`` -> "report: Approve")."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class Command:
    key: str  # as shown to the user
    title: str  # "group: Verb"
    binding: Binding
    node: DOMNode


def command_title(binding: Binding) -> str:
    group = (binding.id or "app").split(".", 1)[0]
    return f"{group}: {binding.description}"


def screen_commands(screen: Screen[object]) -> Iterator[Command]:
    """The commands available on ``screen`` right now, one per action."""
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description or binding.id in seen:
            continue
        if not active.enabled:
            continue
        seen.add(binding.id)
        yield Command(
            screen.app.get_key_display(binding), command_title(binding), binding, active.node
        )


def system_commands(screen: Screen[object]) -> Iterator[SystemCommand]:
    for command in screen_commands(screen):
        run = partial(screen.app.run_action, command.binding.action, command.node)
        yield SystemCommand(command.title, f"Key: {command.key}", run)
