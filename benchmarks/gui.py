"""Rows ``gui_stall_follow``, ``gui_stall_check_weights`` and ``gui_rss``: one wizard process
(``drivers/gui_session.py``) on a large workspace, measured from inside.

The workspace: a pretraining dataset of 4,000 small cases, the demo fine-tuning dataset with
the plans of the trained demo workspace, the pretraining's real checkpoint and a training log
of 1,000 epochs (the reference curves), and a fine-tuning fold whose log (about 100,000 lines
by its 1,000th epoch: ~92 per-iteration lines per epoch between nnU-Net's own lines) is being
appended to without a final checkpoint, so the page follows it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .common import DRIVERS, PYTHON, Row, child_env, run_driver_json
from .data import LogWriter, TrainedWorkspace, workspace_with_large_pretrain, write_training_log

GOAL_STALL_MS = 50.0
GOAL_RSS_MB = 350.0
SMALL_CASE_ZYX = (8, 16, 16)
EPOCHS = 1000
EXTRA_LINES_PER_EPOCH = 92  # 8 lines of nnU-Net's + 92 = 100 lines per epoch
APPEND_INTERVAL_S = 2.0


def prepare_workspace(work: Path, trained: TrainedWorkspace, *, n_cases: int,
                      epochs_logged: int) -> tuple[Path, dict]:
    """The large workspace; returns its root and the driver's arguments."""
    from nnft.core.wizard_state import WizardState
    from nnft.core.workspace import Workspace

    demo = workspace_with_large_pretrain(work / "gui_workspace", n_cases=n_cases,
                                         size_zyx=SMALL_CASE_ZYX)
    # The same demo fine-tuning dataset (same seed) as the trained workspace: its plans fit.
    planned = trained.get() / "nnUNet_preprocessed" / demo.finetune_name
    target = demo.preprocessed / demo.finetune_name
    target.mkdir(parents=True)
    for name in ("nnUNetPlans.json", "dataset.json"):
        shutil.copy2(planned / name, target / name)
    state = WizardState(workspace=Workspace.from_root(demo.root), pretrain=demo.pretrain_name,
                        finetune=demo.finetune_name)
    # As the driver does: the same options, hence the same fold folders.
    state.with_options(configuration="2d", device="cpu")
    ctx = state.context()
    ctx.pretrain_fold_dir.mkdir(parents=True)
    shutil.copy2(trained.pretrain_checkpoint(), ctx.pretrain_fold_dir / "checkpoint_final.pth")
    write_training_log(ctx.pretrain_fold_dir / "training_log_2026_11_1_08_00_00.txt",
                       LogWriter(num_epochs=EPOCHS, seed=1), range(EPOCHS))
    log = ctx.finetune_fold_dir / "training_log_2026_11_20_08_00_00.txt"
    lines = write_training_log(log, LogWriter(num_epochs=EPOCHS, seed=2,
                                              extra_lines_per_epoch=EXTRA_LINES_PER_EPOCH),
                               range(epochs_logged))
    appender = [PYTHON, str(DRIVERS / "append_log.py"), str(log), str(epochs_logged),
                str(EPOCHS - epochs_logged), str(APPEND_INTERVAL_S), str(EXTRA_LINES_PER_EPOCH)]
    args = ["--workspace", str(demo.root), "--pretrain", demo.pretrain_name,
            "--finetune", demo.finetune_name, "--log", str(log),
            "--appender", json.dumps(appender)]
    return demo.root, {"args": args, "log_lines_at_start": lines, "epochs_at_start":
                       epochs_logged}


def measure(work: Path, trained: TrainedWorkspace, *, n_cases: int = 4000,
            follow_seconds: float = 20.0) -> list[Row]:
    """Rows ``gui_stall_follow``, ``gui_stall_check_weights`` and ``gui_rss``, from one run of
    ``drivers/gui_session.py``.

    Parameters
    ----------
    work : Path
        Where the large workspace is generated.
    trained : TrainedWorkspace
        Provides the fine-tuning plans and a real pretraining checkpoint.
    n_cases : int
        Cases of the pretraining dataset.
    follow_seconds : float
        How long the follow phase is measured; the log starts that many epochs (one every
        2 s) short of its 1,000th.
    """
    epochs_logged = EPOCHS - int(follow_seconds / APPEND_INTERVAL_S) - 1
    root, setup = prepare_workspace(work, trained, n_cases=n_cases, epochs_logged=epochs_logged)
    home = work / "gui_home"
    env = child_env({"QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
                     "XDG_CONFIG_HOME": str(home / "config"),
                     "XDG_DATA_HOME": str(home / "data")})
    result = run_driver_json("gui_session.py", [*setup["args"], "--follow-seconds",
                                                str(follow_seconds)], env=env, timeout=900)
    details = {"cases": n_cases, "log_lines_at_start": setup["log_lines_at_start"],
               **result}
    rss = max(result.get("rss_follow_peak_mb") or 0,
              result.get("rss_after_check_weights_mb") or 0) or None
    return [
        Row("gui_stall_follow", result.get("follow_max_gap_ms"), None, GOAL_STALL_MS, "ms",
            goal_on="nnft", details=details),
        Row("gui_stall_check_weights", result.get("check_weights_max_gap_ms"), None,
            GOAL_STALL_MS, "ms", goal_on="nnft"),
        Row("gui_rss", rss, None, GOAL_RSS_MB, "MB", goal_on="nnft"),
    ]
