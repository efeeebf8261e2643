"""``python -m nnft.core.weights cpu-copy CHECKPOINT TARGET_DIR``: the CPU copy of a GPU-saved
checkpoint, run by the bash scripts ``nnft export`` writes (see ``steps.train``)."""

from __future__ import annotations

import sys

from .cpu_copy import make_cpu_copy
from .read import WeightsError


def main(argv: list[str] | None = None) -> int:
    """``python -m nnft.core.weights cpu-copy CHECKPOINT DIR`` (used by exported scripts)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "cpu-copy":
        print("usage: python -m nnft.core.weights cpu-copy CHECKPOINT TARGET_DIR",
              file=sys.stderr)
        return 2
    try:
        print(make_cpu_copy(args[1], args[2]))
    except WeightsError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
