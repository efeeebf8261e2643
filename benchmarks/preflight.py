"""Rows ``preflight`` and ``preflight_4000``: nnFT's preflight (``nnft check``) on large data.

``preflight``: ``nnft check`` vs nnU-Net's ``verify_dataset_integrity`` (2 workers, in its own
process) on a workspace whose pretraining dataset has 200 CT-like cases of 160×256×256 (plus
the 6-case demo fine-tuning dataset; the anchor verifies both folders too). One case is written
and hard-linked to the others: nnFT reads headers, nnU-Net decodes every file all the same.

``preflight_4000``: ``nnft check`` alone on a pretraining dataset of 4,000 small cases.

``preflight_recheck``: the wizard's preflight again after an invalidation on that workspace
(``WizardState.run_preflight``, in a child process), with the header cache warm vs emptied
first: what ``core/header_cache.py`` saves each time a page is entered or a step ends.
"""

from __future__ import annotations

from pathlib import Path

from .common import DRIVERS, PYTHON, Row, child_env, expect, median_of, run_driver_json, run_timed
from .data import nnft_argv, workspace_with_large_pretrain

GOAL_RATIO = 1 / 30
GOAL_4000_S = 5.0
#: The recheck with the cache warm vs cold.
GOAL_RECHECK_RATIO = 0.5
LARGE_CASE_ZYX = (160, 256, 256)
SMALL_CASE_ZYX = (8, 16, 16)


def time_nnft_check(root: Path) -> float:
    timed = expect(run_timed(nnft_argv("check", root, "--config", "2d")), "nnft check",
                   ok=True)
    return timed.seconds


def measure(work: Path, *, n_cases: int = 200, repeats: int = 3) -> Row:
    """Row ``preflight``: median of ``repeats`` ``nnft check`` runs vs one integrity check.

    Parameters
    ----------
    work : Path
        Where the workspace is generated.
    n_cases : int
        Pretraining cases of 160×256×256.
    repeats : int
        Runs of ``nnft check`` (the anchor runs once: it takes about a minute).
    """
    demo = workspace_with_large_pretrain(work / "preflight_large", n_cases=n_cases,
                                         size_zyx=LARGE_CASE_ZYX)
    nnft_s, nnft_all = median_of(repeats, lambda: time_nnft_check(demo.root))
    folders = [str(demo.raw / demo.pretrain_name), str(demo.raw / demo.finetune_name)]
    timed = expect(run_timed([PYTHON, str(DRIVERS / "verify_integrity.py"), *folders],
                             env=child_env(), timeout=1800),
                   "verify_dataset_integrity", ok=True)
    return Row("preflight", nnft_s, timed.seconds, GOAL_RATIO, "s",
               details={"cases": n_cases, "case_size_zyx": LARGE_CASE_ZYX,
                        "nnft_runs_s": nnft_all})


def measure_many(work: Path, *, n_cases: int = 4000, repeats: int = 3) -> Row:
    """Row ``preflight_4000``: median seconds of ``repeats`` ``nnft check`` runs; no anchor."""
    demo = workspace_with_large_pretrain(work / "preflight_many", n_cases=n_cases,
                                         size_zyx=SMALL_CASE_ZYX)
    nnft_s, nnft_all = median_of(repeats, lambda: time_nnft_check(demo.root))
    return Row("preflight_4000", nnft_s, None, GOAL_4000_S, "s", goal_on="nnft",
               details={"cases": n_cases, "case_size_zyx": SMALL_CASE_ZYX,
                        "nnft_runs_s": nnft_all})


def measure_recheck(work: Path, *, n_cases: int = 4000, repeats: int = 3) -> Row:
    """Row ``preflight_recheck``: median seconds of the wizard's preflight after an
    invalidation with the header cache warm (nnFT) vs emptied first (anchor), in turns."""
    demo = workspace_with_large_pretrain(work / "preflight_recheck", n_cases=n_cases,
                                         size_zyx=SMALL_CASE_ZYX)
    found = run_driver_json("preflight_recheck.py", [str(demo.root), str(repeats)])
    return Row("preflight_recheck", found["warm"], found["cold"], GOAL_RECHECK_RATIO, "s",
               details={"cases": n_cases, "warm_runs_s": found["warm_runs"],
                        "cold_runs_s": found["cold_runs"]})
