"""A real full disk (issue 14, item 4): the fine-tuning's results folder on a tmpfs too small
for its checkpoints, in a private mount namespace (``small_disk``), and the real ``nnft run``.

nnU-Net 2.8.1's trainer writes ``checkpoint_best.pth`` (15.5 MB for the demo's 2d network)
after the first epoch and ``checkpoint_final.pth`` (as big) at the end: the disk fills during
the last ``torch.save``, whose error names neither errno nor file (``RuntimeError: [enforce
fail at inline_container.cc:…] . unexpected pos N vs M`` for an ASCII path). The preflight
sees nothing coming: the tmpfs is mounted below nnUNet_results, whose own disk has room (a
dataset folder on another disk, or a disk another program fills during the run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from nnft.core.checks import preflight
from nnft.core.steps import RunOptions
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, TRIAL_ARGS, tree_checksums

pytestmark = pytest.mark.integration

FINETUNE = "Dataset002_DemoFinetune"
#: Room for what the fine-tuning writes before its final checkpoint (plans, logs,
#: progress.png, checkpoint_best.pth: about 16 MB) but not for checkpoint_final.pth (another
#: 15.5 MB): about 8 MB of margin either way.
SMALL_DISK_BYTES = 24_000_000


def test_checkpoint_that_fills_the_disk_is_explained_with_its_folder_and_free_space(
        small_disk, chain_run, tmp_path) -> None:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    # An ASCII path: torch writes it with its C++ stream writer, whose failure names no cause
    # (a non-ASCII path goes through Python's file object: "OSError: [Errno 28] No space left
    # on device", measured with chain_run's "demo workspace ü").
    root = tmp_path / "demo workspace"
    # The chain done up to the pretraining: the fine-tuning (and baseline) results left out.
    shutil.copytree(chain_run.demo.root, root, ignore=lambda folder, names: (
        [FINETUNE] if Path(folder).name == "nnUNet_results" else []))
    finetune_results = root / "nnUNet_results" / FINETUNE
    finetune_results.mkdir()  # the mount point
    ctx = preflight(Workspace.from_root(root), "1", "2", RunOptions(
        configuration="2d", plans_name=PLANS_NAME, device="cpu", trial_epochs=2,
        trial_iterations=3, final_validation=False), check_weights=False).context
    assert ctx is not None
    untouched = [root / "nnUNet_raw", root / "nnUNet_preprocessed",
                 root / "nnUNet_results" / "Dataset001_DemoPretrain"]
    before = [tree_checksums(folder) for folder in untouched]
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}

    run = small_disk.run([sys.executable, "-m", "nnft.core.cli", "run", "--workspace",
                          str(root), "--pretrain", "1", "--finetune", "2", *TRIAL_ARGS],
                         finetune_results, SMALL_DISK_BYTES, env=env)

    output = run.stdout + run.stderr
    assert run.returncode == 3, output[-4000:]
    assert "[6/7]" in run.stdout and "[7/7] failed" in run.stdout, run.stdout[-3000:]
    # nnU-Net really ran out of space in torch.save of the final checkpoint.
    assert "checkpoint_final.pth" in output and "torch.save" in output, output[-4000:]
    last = run.stderr.strip().splitlines()[-1]
    # torch's own words quoted (the C++ writer's), the fold folder named, not nnUNet_results.
    assert last.startswith("Step 'finetune' failed: exited with status 1: The disk is full: "
                           f"writing into {ctx.finetune_fold_dir} failed (\"RuntimeError: "), last
    # The free space of the tmpfs (measured inside the namespace), not of nnUNet_results'
    # own disk: less than a checkpoint.
    free = re.search(r"; (\d+\.\d) MB are free there now\. Fix: Free space on that disk", last)
    assert free is not None, last
    assert float(free.group(1)) < 15.5, last
    assert last.endswith("then run the same command again: finished steps are skipped.")
    # The session (what the wizard shows) and the step log keep the explanation.
    session = json.loads((root / "nnUNet_results" / "nnFT" / "session.json")
                         .read_text(encoding="utf-8"))
    assert session["step_status"]["finetune"] == "failed"
    message = session["step_message"]["finetune"]
    assert f"The disk is full: writing into {ctx.finetune_fold_dir} failed" in message
    log = Path(session["step_log"]["finetune"]).read_text(encoding="utf-8")
    assert f"nnFT: exited with status 1: The disk is full: writing into {ctx.finetune_fold_dir}" \
        in log
    # Everything was written into the tmpfs, gone with its namespace; nothing outside changed.
    assert list(finetune_results.iterdir()) == []
    assert [tree_checksums(folder) for folder in untouched] == before
