"""A statistics answer as CSV (RFC 4180, UTF-8): the marking in a leading comment line, as
spreadsheet tools and pandas (``comment="#"``) skip it, then a header row, one row per
period and a totals row. Suppressed cells are written as "<5"."""

import csv
import io

from shared.stats import BUCKET_LABELS, StatsPublic, counted


def stats_csv(answer: StatsPublic) -> str:
    out = io.StringIO()
    out.write(f"# {answer.marking}. Counts of {counted(answer.group_by)} ({answer.scope}), ")
    out.write(f"{answer.since.isoformat()} to {answer.until.isoformat()}")
    out.write(
        "; counts of 1-4 shown as <5 and left out of totals.\n" if answer.suppressed else ".\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([BUCKET_LABELS[answer.bucket], "From", "To", *answer.columns, "Total"])
    for row in answer.rows:
        writer.writerow(
            [row.label, row.start.isoformat(), row.end.isoformat(), *row.shown, row.total]
        )
    writer.writerow(
        [
            "Total",
            answer.since.isoformat(),
            answer.until.isoformat(),
            *answer.column_totals,
            answer.total,
        ]
    )
    return out.getvalue()
