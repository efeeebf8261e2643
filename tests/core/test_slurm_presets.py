"""The SLURM path takes the wizard's fine-tuning preset and from-scratch baseline (issue 11).

Planner tests without Slurm: the job scripts nnFT writes for a chain with ``--finetune-preset``
and ``--baseline`` (their trainers, environment, dependencies and results folders), checked with
``bash -n``; the exported bash chain with the baseline step; and the baseline's
``nnft step-hook`` run for real from the lines of an exported script (marker written, a foreign
folder refused, ``after`` without outputs refused). The real cluster run is
tests/slurm/test_slurm.py::test_baseline_chain_on_the_cluster.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import subprocess
import sys

import pytest

from nnft.core import problems as P
from nnft.core import slurm as S
from nnft.core.steps import (
    BASELINE_QUICK_TRIAL_TRAINER,
    BASELINE_TRAINER,
    FREEZE_EPOCHS_ENV,
    RUN_MARKER,
    baseline_argv,
    finetune_argv,
    pretrain_argv,
)

#: A quick trial on the CPU, the way ``nnft submit`` builds it for CPU-only jobs.
QUICK = dict(trial_epochs=4, trial_iterations=3, device="cpu")


def _ctx(demo, **options):
    result = demo.preflight(**options)
    assert result.context is not None and not P.has_errors(result.problems), \
        [str(p) for p in result.problems]
    return result.context


def _bash_syntax_ok(text: str) -> None:
    check = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def _command_lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("TRAIN=(")]


def _with_fold(ctx, fold: str):
    return dataclasses.replace(ctx, options=dataclasses.replace(ctx.options, fold=fold))


def test_baseline_is_a_job_of_its_own_after_the_preparation_only(demo):
    ctx = _ctx(demo, baseline=True, **QUICK)
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=0), ["0", "1"], chain_id="C")
    assert [(j.role, j.filename, j.after) for j in chain.jobs] == [
        ("prepare", "1_prepare.sbatch", None),
        ("pretrain", "2_pretrain.sbatch", "prepare"),
        ("finetune", "3_finetune.sbatch", "pretrain"),
        ("baseline", "4_baseline.sbatch", "prepare"),
    ]
    baseline = chain.job("baseline")
    assert baseline.folds == ("0", "1") and baseline.steps == ("baseline",)
    assert baseline.trainer == BASELINE_QUICK_TRIAL_TRAINER
    assert baseline.fold_dirs == {f: str(_with_fold(ctx, f).baseline_fold_dir) for f in "01"}
    assert baseline.fold_dirs["0"].endswith(
        f"{BASELINE_QUICK_TRIAL_TRAINER}__nnUNetPlans__2d/fold_0")
    text = baseline.text
    _bash_syntax_ok(text)
    # The baseline's own trainer, the same folds as the fine-tuning, no pretrained weights.
    assert "#SBATCH --array=0-1\n" in text and "FOLDS=(0 1)" in text
    commands = _command_lines(text)
    assert len(commands) == 3  # first start, --c, --val
    assert all(f"-tr {BASELINE_QUICK_TRIAL_TRAINER} " in line for line in commands)
    assert "-pretrained_weights" not in text and "PRETRAINED=" not in text
    first = shlex.join(baseline_argv(_with_fold(ctx, "X"), resume=False))
    assert "TRAIN=(" + first.replace(" X ", ' "${FOLD}" ') + ")" in commands
    # nnFT's trainer: checkpoint at the time limit and requeue, like the fine-tuning job.
    assert "#SBATCH --signal=B:USR1@300" in text and "#SBATCH --requeue" in text
    assert 'scontrol requeue "${SLURM_JOB_ID}"' in text
    # Its hooks are the baseline step's (guard and marker; after: the same done check).
    assert '"${NNFT_STEP_HOOK[@]}" before baseline -- "${TRAIN[@]}"' in text
    assert '"${NNFT_STEP_HOOK[@]}" after baseline -- "${TRAIN[@]}"' in text
    # The quick trial's lengths, and no preset setting (the baseline is nnU-Net's default).
    assert "export NNFT_TRIAL_EPOCHS=4" in text and FREEZE_EPOCHS_ENV not in text

    # The driver of `nnft export --format slurm` submits it after the preparation only.
    driver = S.export_slurm_text(ctx, S.SlurmProfile(gpus=0), ["0", "1"], chain_id="C")
    _bash_syntax_ok(driver)
    assert ('baseline=$(sbatch --parsable --dependency=afterok:$prepare '
            '"$CHAIN_DIR/4_baseline.sbatch")') in driver
    assert "4_baseline.sbatch: from-scratch baseline, fold(s) 0 1" in driver
    # The fine-tuning still waits for the pretraining.
    assert 'finetune=$(sbatch --parsable --dependency=afterok:$pretrain' in driver
    # Conflicting chains are told by their folders: the baseline's are the chain's too.
    assert set(baseline.fold_dirs.values()) <= S.chain_fold_dirs(ctx, ["0", "1"])

    # Without --baseline there is no such job.
    plain = S.plan_slurm_chain(_ctx(demo, **QUICK), S.SlurmProfile(gpus=0), ["0"])
    assert [j.role for j in plain.jobs] == ["prepare", "pretrain", "finetune"]
    assert "of 7." in plain.job("prepare").text and "of 8." in chain.job("prepare").text


def test_the_fine_tuning_job_runs_the_presets_trainer_with_its_settings(demo):
    ctx = _ctx(demo, finetune_preset="frozen-encoder", freeze_epochs=2, **QUICK)
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=0), ["0"], chain_id="C")
    assert [j.role for j in chain.jobs] == ["prepare", "pretrain", "finetune"]
    finetune, pretrain = chain.job("finetune"), chain.job("pretrain")
    _bash_syntax_ok(finetune.text)
    assert finetune.trainer == "nnFTTrainerFrozenEncoderQuickTrial"
    commands = _command_lines(finetune.text)
    assert f"TRAIN=({shlex.join(finetune_argv(ctx, resume=False))})" in commands
    assert all("-tr nnFTTrainerFrozenEncoderQuickTrial " in line for line in commands)
    assert f"export {FREEZE_EPOCHS_ENV}=2\n" in finetune.text
    # Its records and status point at the preset's own results folder.
    assert finetune.fold_dirs == {"0": str(ctx.finetune_fold_dir)}
    assert "nnFTTrainerFrozenEncoderQuickTrial__nnUNetPlans__2d" in finetune.fold_dirs["0"]
    assert "#SBATCH --signal=B:USR1@300" in finetune.text  # the preset's trainer stops gracefully
    # The pretraining keeps the chain's trainer and knows nothing of the preset.
    assert f"TRAIN=({shlex.join(pretrain_argv(ctx, resume=False))})" in pretrain.text
    assert "-tr nnFTTrainerQuickTrial " in pretrain.text and FREEZE_EPOCHS_ENV not in pretrain.text
    assert pretrain.trainer == "nnFTTrainerQuickTrial"


def test_graceful_stop_is_decided_per_job_by_its_own_trainer(demo):
    """nnU-Net's own trainer cannot stop at the time limit; the gentle preset's and the
    baseline's trainers (nnFT's) can: each job gets the signal only when its trainer can."""
    ctx = _ctx(demo, trainer="nnUNetTrainer", finetune_preset="gentle", baseline=True,
               device="cuda")
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(), ["0"], chain_id="C")
    by_role = {j.role: j for j in chain.jobs}
    assert by_role["finetune"].trainer == "nnFTTrainerGentleFinetune"
    assert by_role["baseline"].trainer == BASELINE_TRAINER
    assert "#SBATCH --signal" not in by_role["pretrain"].text
    assert "No graceful stop: nnUNetTrainer has no signal handling" in by_role["pretrain"].text
    for role in ("finetune", "baseline"):
        assert "#SBATCH --signal=B:USR1@300" in by_role[role].text, role
        assert "trap forward_stop USR1" in by_role[role].text, role
    warning, = [p for p in chain.problems if p.code == S.SLURM_NO_GRACEFUL_STOP]
    assert warning.message.startswith("nnUNetTrainer has no signal handling (nnU-Net 2.8.1 "
                                      "has none), which the pretrain job runs:")
    # The record of each job names its trainer (nnft jobs, the Cluster page).
    assert {j.role: j.trainer for j in chain.jobs} == {
        "prepare": "", "pretrain": "nnUNetTrainer", "finetune": "nnFTTrainerGentleFinetune",
        "baseline": BASELINE_TRAINER}


def test_a_foreign_run_in_a_later_folds_baseline_folder_is_refused(demo):
    """The preflight checks the first fold; the cluster preflight the job array's others."""
    ctx = _ctx(demo, baseline=True, **QUICK)
    foreign = _with_fold(ctx, "1").baseline_fold_dir
    foreign.mkdir(parents=True)
    (foreign / "training_log_2026_1_1_00_00_00.txt").write_text("someone else's run\n")
    before = demo.snapshot()
    chain, problems = S.plan_cluster_chain(
        demo.workspace, "1", "2", demo.options(baseline=True, **QUICK), S.SlurmProfile(gpus=0),
        "0,1", skip_done=True)
    assert chain is None
    refused, = [p for p in problems if p.code == P.RESULTS_FOLDER_EXISTS]
    assert refused.is_error and str(foreign) in refused.message
    assert "--backup-and-overwrite" in refused.fix
    assert demo.snapshot() == before  # nothing written


def _export(demo, *extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "export", "--workspace", str(demo.root),
         "--pretrain", "1", "--finetune", "2", "--config", "2d", "--device", "cpu",
         "--epochs", "2", "--iterations", "3", *extra],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_exported_bash_chain_has_the_baseline_and_its_hooks_work(demo):
    script = _export(demo, "--baseline", "--finetune-preset", "frozen-encoder",
                     "--freeze-epochs", "1")
    _bash_syntax_ok(script)
    lines = script.splitlines()
    assert "and train Dataset002_DemoFinetune from scratch as a baseline" in lines[1]
    ctx = _ctx(demo, baseline=True, finetune_preset="frozen-encoder", freeze_epochs=1,
               trial_epochs=2, trial_iterations=3, device="cpu")
    argv = shlex.join(baseline_argv(ctx, resume=False))
    start = lines.index("# 8. Baseline: train Dataset002_DemoFinetune from scratch (fold 0, no "
                        "pretrained weights)")
    before, command, after = lines[start + 2:start + 5]
    assert before == f'"${{NNFT_STEP_HOOK[@]}}" before baseline -- {argv}'
    assert command.endswith(f" {argv}") and "-pretrained_weights" not in command
    assert after == f'"${{NNFT_STEP_HOOK[@]}}" after baseline -- {argv}'
    # The fine-tuning's command gets the preset's trainer and its frozen epochs.
    finetune_line = next(line for line in lines if line.startswith(f"{FREEZE_EPOCHS_ENV}=1 "))
    assert "-tr nnFTTrainerFrozenEncoderQuickTrial" in finetune_line

    # The hooks, run as the script runs them (its variables, its hook array, its lines).
    setup = [line for line in lines if line.startswith(("export ", "NNFT_STEP_HOOK=("))]

    def run(*hook_lines: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
        return subprocess.run(["bash", "-c", "\n".join(["set -euo pipefail", *setup,
                                                        *hook_lines])],
                              capture_output=True, text=True, timeout=120, env=env)

    fold = ctx.baseline_fold_dir
    done = run(before)
    assert done.returncode == 0, done.stdout + done.stderr
    marker = json.loads((fold / RUN_MARKER).read_text())
    assert marker["from_scratch"] is True and marker["pretrained_weights"] is None
    assert marker["trainer"] == "nnFTTrainerFromScratchQuickTrial"
    assert marker["command"] == baseline_argv(ctx, resume=False)
    # After the command, the step must be done (trained and validated): nothing is there.
    not_done = run(after)
    assert not_done.returncode == 3, not_done.stdout + not_done.stderr
    assert "nnFT: failed: step 8 (baseline)" in not_done.stderr

    # A run nnFT's baseline did not start in that folder: refused before the command runs.
    (fold / RUN_MARKER).write_text(json.dumps({"from_scratch": False}))
    refused = run(before)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "RESULTS_FOLDER_EXISTS" in refused.stderr
    assert "refused to start step 'baseline'" in refused.stderr


def test_export_without_baseline_has_no_baseline_step(demo):
    script = _export(demo)
    assert " baseline " not in script and "from scratch" not in script
    assert "# 7. Fine-tune" in script and "# 8." not in script


@pytest.mark.parametrize("role", ["prepare", "nonsense"])
def test_only_training_roles_get_a_training_script(demo, role, tmp_path):
    ctx = _ctx(demo, **QUICK)
    with pytest.raises(ValueError, match="not a training role"):
        S.scripts.training_script(ctx, S.SlurmProfile(gpus=0), tmp_path, role=role, name="x",
                                  folds=("0",))
