"""``make bench``: measure nnFT against its anchors, print one table, write last_run.json.

Usage: python -m benchmarks.run [--only NAME[,NAME]] [--quick] [--keep] [--output PATH]

Exit status 0 when every row was measured (whether its goal was met or not), 1 when a row
could not be measured (its error is in the JSON's details).

Every row runs nnFT and its anchor side by side in this run, on data generated under one
temporary folder (removed at the end unless --keep). ``--quick`` shrinks data and repetitions
for a smoke run; its numbers are not comparable with a full run's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .common import Row, failed_row, to_json
from .data import TrainedWorkspace

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "last_run.json"


@dataclass(frozen=True)
class Sizes:
    """Data sizes and repetitions of one run."""

    startup_repeats: int = 3
    weights_repeats: int = 3
    training_repeats: int = 3
    preflight_cases: int = 200
    preflight_repeats: int = 3
    many_cases: int = 4000
    preparation_cases: tuple[int, int] = (12, 6)
    gui_cases: int = 4000
    follow_seconds: float = 20.0


QUICK = Sizes(startup_repeats=1, weights_repeats=1, training_repeats=1, preflight_cases=10,
              preflight_repeats=1, many_cases=400, preparation_cases=(6, 5), gui_cases=400,
              follow_seconds=6.0)

#: Row names in the order they run, with the group (one measurement) each belongs to.
ROWS = {
    "startup": "startup",
    "preflight": "preflight",
    "preflight_4000": "preflight_4000",
    "preflight_recheck": "preflight_recheck",
    "weights_reject": "weights_reject",
    "training_overhead": "training_overhead",
    "preparation_workers": "preparation_workers",
    "gui_stall_follow": "gui",
    "gui_stall_check_weights": "gui",
    "gui_rss": "gui",
}
#: Goals and units, for the rows of a group that failed before measuring anything.
GOALS = {"startup": (3.5, "s", "ratio"), "preflight": (1 / 30, "s", "ratio"),
         "preflight_4000": (5.0, "s", "nnft"), "preflight_recheck": (0.5, "s", "ratio"),
         "weights_reject": (0.35, "s", "ratio"),
         "training_overhead": (1.02, "s", "ratio"), "preparation_workers": (0.6, "s", "ratio"),
         "gui_stall_follow": (50.0, "ms", "nnft"), "gui_stall_check_weights": (50.0, "ms", "nnft"),
         "gui_rss": (350.0, "MB", "nnft")}


def _groups(work: Path, sizes: Sizes, trained: TrainedWorkspace,
            ) -> dict[str, Callable[[], list[Row]]]:
    from . import gui, preflight, preparation, startup, training, weights

    return {
        "startup": lambda: [startup.measure(work, repeats=sizes.startup_repeats)],
        "preflight": lambda: [preflight.measure(work, n_cases=sizes.preflight_cases,
                                                repeats=sizes.preflight_repeats)],
        "preflight_4000": lambda: [preflight.measure_many(work, n_cases=sizes.many_cases,
                                                          repeats=sizes.preflight_repeats)],
        "preflight_recheck": lambda: [preflight.measure_recheck(
            work, n_cases=sizes.many_cases, repeats=sizes.preflight_repeats)],
        "weights_reject": lambda: [weights.measure(work, trained,
                                                   repeats=sizes.weights_repeats)],
        "training_overhead": lambda: [training.measure(trained,
                                                       repeats=sizes.training_repeats)],
        "preparation_workers": lambda: [preparation.measure(
            work, n_pretrain=sizes.preparation_cases[0],
            n_finetune=sizes.preparation_cases[1])],
        "gui": lambda: gui.measure(work, trained, n_cases=sizes.gui_cases,
                                   follow_seconds=sizes.follow_seconds),
    }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f}{' ' + unit if unit else ''}"


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned text table: name, nnft, anchor, ratio, goal, met."""
    lines = [("name", "nnft", "anchor", "ratio", "goal", "met")]
    for row in rows:
        if row.goal_on == "ratio":
            goal = f"ratio ≤ {row.goal:.3g}"
        else:
            goal = f"≤ {row.goal:g} {row.unit}"
        met = {True: "yes", False: "NO", None: "error"}[row.met]
        lines.append((row.name, _number(row.nnft, row.unit), _number(row.anchor, row.unit),
                      "-" if row.ratio is None else f"{row.ratio:.3f}", goal, met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
            for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--only", default="", metavar="NAME[,NAME]",
                        help=f"rows to run (default all): {', '.join(ROWS)}")
    parser.add_argument("--quick", action="store_true",
                        help="small data and single runs: a smoke run of the harness")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the JSON (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()] or list(ROWS)
    unknown = [name for name in wanted if name not in ROWS]
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {', '.join(ROWS)}")
    sizes = QUICK if args.quick else Sizes()

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="nnft-bench-"))
    trained = TrainedWorkspace(work / "trained")
    groups = _groups(work, sizes, trained)
    rows: list[Row] = []
    try:
        for group in dict.fromkeys(ROWS[name] for name in ROWS if name in wanted):
            members = [name for name in ROWS if ROWS[name] == group]
            print(f"[bench] {group} ...", file=sys.stderr, flush=True)
            group_start = time.perf_counter()
            try:
                measured = groups[group]()
            except Exception as exc:  # one failed row must not hide the others
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                print(f"[bench] {group} failed: {detail}", file=sys.stderr, flush=True)
                measured = [failed_row(name, *GOALS[name][:2], detail,
                                       goal_on=GOALS[name][2]) for name in members]
            if measured:  # the group's wall time, on its first row
                measured[0].details["group_seconds"] = time.perf_counter() - group_start
            kept = [row for row in measured if row.name in wanted]
            if kept and measured and kept[0] is not measured[0]:
                # The group's details live on its first row; keep them when it is left out.
                kept[0].details = {**measured[0].details, **kept[0].details}
            rows += kept
            print(f"[bench] {group}: {time.perf_counter() - group_start:.0f} s", file=sys.stderr,
                  flush=True)
    finally:
        if args.keep:
            print(f"[bench] data kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    document = to_json(rows)
    document.update({"quick": args.quick, "total_seconds": total})
    args.output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(format_table(rows))
    print(f"\n{'Quick run' if args.quick else 'Run'} took {total / 60:.1f} min; "
          f"details in {args.output}")
    # Goals not met are results; a row that could not be measured is a failure of the harness.
    return 1 if any(row.met is None for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
