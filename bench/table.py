"""Printing results as Markdown tables (pasted as-is into bench/README.md)."""

from collections.abc import Sequence


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.3f}" if baseline else "n/a"


def markdown(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
