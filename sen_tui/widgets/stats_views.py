"""A statistics answer shown two ways: a table (periods down, values across, totals last)
and a chart (stacked bars or one line per value, via textual-plotext). Both show exactly the
cells the server sent, "<5" included; a chart draws a suppressed cell as nothing."""

import math

from rich.text import Text
from textual_plotext import PlotextPlot

from sen_tui.widgets.row_table import RowTable
from shared.stats import BUCKET_LABELS, StatsPublic, counted

TOTAL = "Total"


class StatsTable(RowTable[Text]):
    def __init__(self) -> None:
        super().__init__(id="stats-table", zebra_stripes=True)

    def show(self, answer: StatsPublic) -> None:
        self.clear(columns=True)
        headers = [BUCKET_LABELS[answer.bucket], *answer.columns, TOTAL]
        keys = ["period", *(f"col-{name}" for name in answer.columns), "total"]
        rows = [[row.label, *row.shown, str(row.total)] for row in answer.rows]
        totals = [TOTAL, *map(str, answer.column_totals), str(answer.total)]
        # Widths from the cells, not left to the table: a second answer shown right after
        # the first was once drawn with its columns as narrow as their headers ("2025-").
        columns = zip(*rows, totals, strict=True)
        for header, key, column in zip(headers, keys, columns, strict=True):
            self.add_column(header, key=key, width=max(map(len, (header, *column))))
        for row, cells in zip(answer.rows, rows, strict=True):
            self.add_row(*as_row(cells), key=row.label)
        self.add_row(*as_row(totals), key="totals")


def as_row(cells: list[str]) -> list[Text]:
    """The period on the left, the counts (and "<5") to the right, as figures are set."""
    period, *counts = cells
    return [Text(period), *(Text(count, justify="right") for count in counts)]


def count_ticks(highest: int, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 to at least ``highest``, at most ``most`` of them, in steps
    of 1, 2 or 5 times a power of ten: plotext's own ticks gave counts like "249.2"."""
    if highest <= 0:
        return [0, 1]
    raw = highest / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(highest / step) * step
    return list(range(0, top + 1, step))


class StatsChart(PlotextPlot):
    def __init__(self) -> None:
        super().__init__(id="stats-chart")
        self.lines = False

    def show(self, answer: StatsPublic, *, lines: bool) -> None:
        self.lines = lines
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [row.label for row in answer.rows]
        series = [[row.counts[i] or 0 for row in answer.rows] for i in range(len(answer.columns))]
        counting = counted(answer.group_by)
        plt.title(f"{counting.capitalize()} per {BUCKET_LABELS[answer.bucket].lower()}")
        if not series or not labels:
            plt.title(f"No {counting} match these filters")
            self.refresh()
            return
        # Bars stack: their height is a period's sum; lines rise only to their highest value.
        stacks = [sum(period) for period in zip(*series, strict=True)]
        ticks = count_ticks(max(max(values) for values in series) if lines else max(stacks))
        plt.ylim(0, ticks[-1])
        plt.yticks([float(tick) for tick in ticks], [f"{tick:,}" for tick in ticks])
        if lines:
            xs = [float(x) for x in range(len(labels))]
            for name, values in zip(answer.columns, series, strict=True):
                plt.plot(xs, values, label=name, marker="braille")
            step = max(1, len(labels) // 6)
            plt.xticks(xs[::step], labels[::step])
        elif len(series) == 1:
            plt.bar(labels, series[0], label=answer.columns[0])
        else:
            # plotext takes ``labels`` (one per series); textual-plotext's stub says ``label``.
            plt.stacked_bar(labels, series, labels=answer.columns)  # type: ignore[call-arg]
        self.refresh()
