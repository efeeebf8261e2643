"""Shared helpers of the benchmarks: rows, timing, child processes, memory."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The interpreter that runs the benchmarks (make bench: .venv's); its bin folder holds the
#: console scripts of nnFT and nnU-Net.
PYTHON = sys.executable
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
DRIVERS = Path(__file__).resolve().parent / "drivers"


@dataclass
class Row:
    """One line of the table: nnFT's value, the anchor's, their ratio and the goal.

    ``goal`` bounds ``ratio`` when there is an anchor to compare with, otherwise ``nnft``
    itself (``goal_on`` says which); ``met`` is None when the row could not be measured.
    """

    name: str
    nnft: float | None
    anchor: float | None
    goal: float
    unit: str
    goal_on: str = "ratio"
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.nnft is None or not self.anchor:
            return None
        return self.nnft / self.anchor

    @property
    def met(self) -> bool | None:
        value = self.ratio if self.goal_on == "ratio" else self.nnft
        return None if value is None else value <= self.goal

    def to_dict(self) -> dict:
        """The row as written to ``last_run.json`` (details are kept apart from the rows)."""
        return {"name": self.name, "nnft": self.nnft, "anchor": self.anchor,
                "ratio": self.ratio, "goal": self.goal, "unit": self.unit, "met": self.met}


def failed_row(name: str, goal: float, unit: str, error: str, goal_on: str = "ratio") -> Row:
    """A row whose measurement failed: no values, ``met`` None, the error kept in details."""
    return Row(name, None, None, goal, unit, goal_on, details={"error": error})


def child_env(extra: dict[str, str] | None = None, *, drop: Sequence[str] = ()) -> dict[str, str]:
    """This process's environment with the venv's bin first on PATH, plus ``extra``.

    Variables in ``drop`` are removed, so an anchor does not inherit what nnFT would set.
    """
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for name in drop:
        env.pop(name, None)
    env.update(extra or {})
    return env


def workspace_env(root: Path) -> dict[str, str]:
    """The three nnU-Net folder variables of a workspace made by ``nnft demo``."""
    return {"nnUNet_raw": str(root / "nnUNet_raw"),
            "nnUNet_preprocessed": str(root / "nnUNet_preprocessed"),
            "nnUNet_results": str(root / "nnUNet_results")}


@dataclass
class Timed:
    """One finished child process: wall seconds, exit status and the end of its output."""

    seconds: float
    returncode: int
    output: str

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def run_timed(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 900) -> Timed:
    """Run ``argv`` to its end and time it from just before the start to its exit.

    Parameters
    ----------
    argv : list of str
        The command (never a shell string).
    env : dict, optional
        Its whole environment (default :func:`child_env`).
    cwd : Path, optional
        Its working folder.
    timeout : float
        Seconds after which it is killed (``subprocess.TimeoutExpired``).

    Returns
    -------
    Timed
        Wall seconds, exit status, stdout and stderr together.
    """
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env or child_env(), cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False)
    return Timed(time.perf_counter() - start, proc.returncode, proc.stdout)


def median_of(repeats: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    """Median and all values of ``repeats`` calls of ``measure``."""
    values = [measure() for _ in range(max(1, repeats))]
    return statistics.median(values), values


def alternate(repeats: int, first: Callable[[], float], second: Callable[[], float],
              ) -> tuple[tuple[float, list[float]], tuple[float, list[float]]]:
    """Measure two sides in turns (A B A B ...), so a busy moment of a shared machine does not
    fall on one side only.

    Parameters
    ----------
    repeats : int
        Measurements per side (at least 1).
    first, second : callable
        Each takes one measurement and returns its value (seconds).

    Returns
    -------
    tuple
        ``((median, values), (median, values))`` of the first and the second side.
    """
    a, b = [], []
    for _ in range(max(1, repeats)):
        a.append(first())
        b.append(second())
    return (statistics.median(a), a), (statistics.median(b), b)


def run_driver_json(script: str, args: list[str], *, env: dict[str, str] | None = None,
                    timeout: float = 600) -> dict:
    """Run ``benchmarks/drivers/<script>`` and read the JSON object it prints last.

    Raises
    ------
    RuntimeError
        When the script printed no JSON line (its output tails are in the message).
    """
    proc = subprocess.run([PYTHON, str(DRIVERS / script), *args], env=env or child_env(),
                          capture_output=True, text=True,
                          timeout=timeout, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"{script} exited {proc.returncode} without a result:\n"
                       f"{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")


class BenchmarkError(RuntimeError):
    """A measurement could not be taken (a command failed where it must not)."""


def expect(timed: Timed, what: str, *, ok: bool) -> Timed:
    """Raise unless the command ended as the row needs (``ok``: exit 0; else non-zero)."""
    if (timed.returncode == 0) != ok:
        raise BenchmarkError(f"{what} exited {timed.returncode}, expected "
                             f"{'0' if ok else 'an error'}:\n{timed.tail()}")
    return timed


def to_json(rows: list[Row]) -> dict:
    """The ``last_run.json`` document: the rows, and each row's details by name."""
    return {"rows": [row.to_dict() for row in rows],
            "details": {row.name: row.details for row in rows if row.details}}


__all__ = ["BIN", "DRIVERS", "PYTHON", "REPO", "BenchmarkError", "Row", "Timed", "alternate",
           "child_env", "expect", "failed_row", "median_of", "run_driver_json",
           "run_timed", "to_json", "workspace_env"]
