"""The one summary table of bench/README.md, written by ``uv run python -m bench``.

The table lives between two HTML comments (invisible on GitHub); everything outside them is
left as it is. Without the markers (a fresh README) the block goes right after the
README's list of scripts, before "## Running".
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.table import markdown

README = Path(__file__).parent / "README.md"
START = "<!-- bench:summary:start -->"
END = "<!-- bench:summary:end -->"
FALLBACK_ANCHOR = "\n## Running"
NO_TARGET = "—"
X = "\N{MULTIPLICATION SIGN}"  # ratios read "0.011" followed by it


@dataclass(frozen=True)
class Row:
    """One line of the summary: a figure, its same-run baseline, and issue 9's target."""

    measured: str
    sen: str
    baseline: str
    ratio: str
    target: str = NO_TARGET
    met: bool | None = None  # None: no target, or not measurable in this run
    note: str = ""  # shown in the "met" cell, e.g. why a target is not judged here

    def cells(self) -> list[str]:
        if self.met is None:
            verdict = self.note or NO_TARGET
        else:
            verdict = "yes" if self.met else "**no**"
            verdict += f" ({self.note})" if self.note else ""
        return [self.measured, self.sen, self.baseline, self.ratio, self.target, verdict]


HEADERS = ["measured", "SEN", "baseline (same run)", "ratio", "target (issue 9)", "met"]


def times(value: float) -> str:
    """A ratio as the table shows it: three decimals below 10, one above."""
    return f"{value:.3f}{X}" if value < 10 else f"{value:,.1f}{X}"


def block(intro: Sequence[str], rows: Sequence[Row], notes: Sequence[str]) -> str:
    table = markdown(HEADERS, [row.cells() for row in rows])
    parts = [START, "## Summary (`uv run python -m bench`)", "", *intro, "", table, ""]
    parts += [*notes, END] if notes else [END]
    return "\n".join(parts)


def rewrite_readme(text: str, path: Path = README) -> None:
    """Replace the block between the markers (or insert it once) and leave the rest."""
    readme = path.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(readme):
        updated = pattern.sub(lambda _: text, readme, count=1)
    elif FALLBACK_ANCHOR in readme:
        head, tail = readme.split(FALLBACK_ANCHOR, 1)
        updated = f"{head.rstrip()}\n\n{text}\n{FALLBACK_ANCHOR}{tail}"
    else:
        updated = f"{readme.rstrip()}\n\n{text}\n"
    path.write_text(updated)
