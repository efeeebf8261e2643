"""Pieces both command-line modules share (``cli`` imports ``cli_slurm``, so they live here)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from .problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_STEP_FAILED = 0, 1, 2, 3


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` for whole numbers of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be at least 1, got {value}" if minimum == 1
                else f"must be {minimum} or more, got {value}")
        return value

    return parse


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    """One line per problem (severity, code, message, fix), to stderr unless ``stream``."""
    for problem in problems:
        print(str(problem), file=stream or sys.stderr)
