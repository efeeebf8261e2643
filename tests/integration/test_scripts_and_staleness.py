"""Guard rails outside nnFT's own runs, with the real nnU-Net commands on the demo data.

- An exported bash script (``nnft export``) run with bash leaves the same nnFT records as
  ``nnft run`` (its steps call ``nnft step-hook``), so the wizard's core judges both alike.
- A pretraining fingerprint whose raw data changed afterwards is noticed (FINGERPRINT_STALE),
  moved to the backup and extracted again; the preprocessed data made from that raw data is
  made again too.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import SimpleITK as sitk

from nnft.core import problems as P
from nnft.core.checks import preflight
from nnft.core.demo import write_demo_workspace
from nnft.core.executor import ChainExecutor, StepStatus
from nnft.core.steps import (
    PREPARE,
    STEP_KEYS,
    RunOptions,
    build_chain,
    keys_in_group,
    load_json,
    read_run_marker,
)
from nnft.core.wizard_state import CLUSTER, PAGES, WizardState, page_availability, page_flow
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, TRIAL_ARGS, nnft

pytestmark = pytest.mark.integration

PRETRAIN, FINETUNE = "Dataset001_DemoPretrain", "Dataset002_DemoFinetune"
#: The options TRIAL_ARGS give (the wizard's state is built from them).
TRIAL_OPTIONS = RunOptions(configuration="2d", plans_name=PLANS_NAME, device="cpu",
                           trial_epochs=2, trial_iterations=3, final_validation=False)


def _without_nnunet_variables() -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        env.pop(variable, None)
    # nnU-Net's commands and nnFT from the Python running the tests.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _judgement(root: Path, options: RunOptions = TRIAL_OPTIONS) -> dict[str, object]:
    """How the wizard's core sees a workspace: steps done, preflight, pages, nnFT's records."""
    state = WizardState(workspace=Workspace.from_root(root), pretrain="1", finetune="2",
                        options=options, check_device=False)
    preflight_result = state.run_preflight()
    ctx = state.context()
    assert ctx is not None, [str(p) for p in preflight_result.problems]
    records = sorted(
        str(p.relative_to(root)) for p in root.rglob("*")
        if p.name.startswith(".nnft_") or p.name in ("nnft_run.json", "transfers.json"))
    marker = read_run_marker(ctx.finetune_fold_dir) or {}
    return {
        # The chain's steps (the baseline only when chosen: not here).
        "done": {key: state.step_done(key) for key in STEP_KEYS
                 if key in {step.key for step in state.steps()}},
        "problems": sorted((p.code, p.severity.value) for p in preflight_result.problems),
        "pages": {page: availability.available
                  for page, availability in page_availability(state).items()},
        "records": records,
        "fine-tuned from": marker.get("pretrained_weights_relative"),
    }


def test_exported_script_leaves_the_records_of_nnft_run(chain_run, tmp_path):
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    demo = write_demo_workspace(tmp_path / "scripted workspace")
    env = _without_nnunet_variables()
    script = tmp_path / "chain.sh"
    # chain_run trains the from-scratch baseline too (--baseline): so does the script.
    exported = nnft("export", "--workspace", str(demo.root), "--pretrain", "1", "--finetune",
                    "2", *TRIAL_ARGS, "--baseline", "--output", str(script), env=env)
    assert exported.returncode == 0, exported.stderr
    ran = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                         timeout=1200, cwd=tmp_path)
    assert ran.returncode == 0, (ran.stdout + ran.stderr)[-3000:]

    options = dataclasses.replace(TRIAL_OPTIONS, baseline=True)
    by_script = _judgement(demo.root, options)
    by_run = _judgement(chain_run.demo.root, options)
    assert by_script == by_run
    # Not equal by luck: the chain is finished and recognised as nnFT's in both.
    assert all(by_script["done"].values())  # type: ignore[union-attr]
    assert set(by_script["pages"]) >= set(PAGES)  # type: ignore[arg-type]
    # Every page of the flow may be entered (the baseline page too: chosen).
    pages: dict[str, bool] = by_script["pages"]  # type: ignore[assignment]
    assert "baseline" in page_flow(options)
    assert all(pages[page] for page in (*page_flow(options), CLUSTER))
    assert by_script["done"]["baseline"]  # type: ignore[index]
    assert by_script["fine-tuned from"] == (f"{PRETRAIN}/nnFTTrainerQuickTrial__{PLANS_NAME}__2d/"
                                            "fold_all/checkpoint_final.pth")
    assert f"nnUNet_preprocessed/{PRETRAIN}/.nnft_fingerprint.json" in by_script["records"]


def test_slurm_job_scripts_leave_the_records_of_nnft_run(chain_run, tmp_path):
    """The job scripts of ``nnft submit``, run one after the other with bash as Slurm's batch
    shell would run them (no Slurm needed), are judged like ``nnft run``."""
    from nnft.core import slurm as S

    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    demo = write_demo_workspace(tmp_path / "cluster workspace")
    # chain_run trains the from-scratch baseline too (--baseline): so do the jobs.
    options = dataclasses.replace(TRIAL_OPTIONS, baseline=True)
    checked = preflight(Workspace.from_root(demo.root), 1, 2, options,
                        check_device_present=False, check_weights=False)
    assert checked.ok and checked.context is not None, [str(p) for p in checked.problems]
    chain = S.plan_slurm_chain(checked.context, S.SlurmProfile(gpus=0, cpus_per_task=2),
                               ["0"], chain_id="C", chain_dir=tmp_path / "jobs")
    assert [job.role for job in chain.jobs] == ["prepare", "pretrain", "finetune", "baseline"]
    env = dict(_without_nnunet_variables(), SLURM_JOB_ID="1")
    for job in chain.jobs:
        ran = subprocess.run(["bash", "-c", job.text], capture_output=True, text=True, env=env,
                             timeout=1200, cwd=tmp_path)
        assert ran.returncode == 0, (job.role, (ran.stdout + ran.stderr)[-3000:])
        assert "nnFT: finished" in ran.stdout
    assert _judgement(demo.root, options) == _judgement(chain_run.demo.root, options)


def test_script_hook_refuses_a_foreign_fold_and_nothing_runs(tmp_path):
    demo = write_demo_workspace(tmp_path / "workspace")
    env = _without_nnunet_variables()
    script = tmp_path / "chain.sh"
    exported = nnft("export", "--workspace", str(demo.root), "--pretrain", "1", "--finetune",
                    "2", *TRIAL_ARGS, "--output", str(script), env=env)
    assert exported.returncode == 0, exported.stderr
    # A fine-tuning run from scratch, by hand, in the fold folder the script would fine-tune in.
    fold = (demo.root / "nnUNet_results" / FINETUNE / "nnFTTrainerQuickTrial__nnUNetPlans__2d"
            / "fold_0")
    fold.mkdir(parents=True)
    (fold / "checkpoint_final.pth").write_bytes(b"a run nnFT did not make")
    hook_lines = [line for line in script.read_text().splitlines()
                  if line.startswith('"${NNFT_STEP_HOOK[@]}" before finetune')]
    assert len(hook_lines) == 1
    # Only the definition of the hook and the guard of step 7 (the whole chain takes minutes).
    head = [line for line in script.read_text().splitlines()
            if line.startswith(("export ", "NNFT_STEP_HOOK=", "set "))]
    guard = tmp_path / "guard.sh"
    guard.write_text("\n".join([*head, hook_lines[0], "echo nnUNetv2_train would run"]) + "\n")
    ran = subprocess.run(["bash", str(guard)], capture_output=True, text=True, env=env,
                         timeout=300)
    assert ran.returncode == 1
    assert "RESULTS_FOLDER_EXISTS" in ran.stderr and str(fold) in ran.stderr
    assert "would run" not in ran.stdout
    assert (fold / "checkpoint_final.pth").read_bytes() == b"a run nnFT did not make"


def _brighter(image_file: Path) -> None:
    """Replace a raw image by a brighter one (same geometry): other intensity statistics."""
    image = sitk.ReadImage(str(image_file))
    brighter = sitk.Cast(image, sitk.sitkFloat32) * 2.0 + 50.0
    brighter.CopyInformation(image)
    sitk.WriteImage(brighter, str(image_file))


def test_changed_pretraining_data_is_fingerprinted_and_preprocessed_again(tmp_path):
    demo = write_demo_workspace(tmp_path / "workspace")
    workspace = Workspace.from_root(demo.root)
    options = dataclasses.replace(TRIAL_OPTIONS, preprocessing_workers=1)

    def prepare() -> tuple[dict[str, StepStatus], list[P.Problem]]:
        checked = preflight(workspace, 1, 2, options, check_device_present=False,
                            check_weights=False)
        assert checked.ok and checked.context is not None, [str(p) for p in checked.problems]
        ctx = checked.context
        outcome = ChainExecutor(lambda: build_chain(ctx, groups=[PREPARE]), workspace,
                                only=set(keys_in_group(PREPARE))).run()
        assert outcome.ok, outcome.message
        return outcome.statuses, checked.problems

    prepare()
    pre = demo.root / "nnUNet_preprocessed" / PRETRAIN
    fingerprint = pre / "dataset_fingerprint.json"
    old_fingerprint = fingerprint.read_bytes()
    assert (pre / ".nnft_fingerprint.json").is_file()

    _brighter(demo.root / "nnUNet_raw" / PRETRAIN / "imagesTr" / "pt_003_0000.nii.gz")
    statuses, problems = prepare()
    stale = [p for p in problems if p.code == P.FINGERPRINT_STALE]
    assert len(stale) == 1 and "pt_003_0000.nii.gz" in stale[0].message, problems
    assert stale[0].severity is P.Severity.WARNING
    assert [p for p in problems if p.code == P.PREPROCESSED_DATA_EXISTS
            and "pt_003_0000.nii.gz" in p.message], problems
    # nnU-Net keeps an existing fingerprint: without nnFT's check both would be skipped.
    assert statuses == {"plan_finetune": StepStatus.SKIPPED,
                        "fingerprint_pretrain": StepStatus.DONE,
                        "transfer_plans": StepStatus.SKIPPED,
                        "copy_dataset_json": StepStatus.SKIPPED,
                        "preprocess_pretrain": StepStatus.DONE}
    new = load_json(fingerprint)
    assert new is not None and fingerprint.read_bytes() != old_fingerprint
    backups = list((demo.root / "nnUNet_results" / "nnFT" / "backups").rglob(
        "dataset_fingerprint.json"))
    assert [b.read_bytes() for b in backups] == [old_fingerprint]
    # Settled: nothing stale any more, nothing runs again.
    statuses, problems = prepare()
    assert not [p for p in problems if p.code == P.FINGERPRINT_STALE]
    assert set(statuses.values()) == {StepStatus.SKIPPED}



def test_slurm_job_of_a_trained_but_unvalidated_fold_runs_only_the_validation(chain_run,
                                                                              tmp_path):
    """A fine-tuning job killed during nnU-Net's final validation left checkpoint_final.pth but
    no validation/summary.json: the planner does not count the fold as done, and its job script
    runs ``nnUNetv2_train ... --val`` alone (no training), then says finished."""
    import shutil

    from nnft.core import slurm as S
    from nnft.core.training_log import FINAL_VALIDATION_SKIPPED_TEXT

    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "copied workspace"
    shutil.copytree(chain_run.demo.root, root)  # copy2: the raw data's times stay (no staleness)
    # The copy's plans were transferred in the original folder: reused here, as they are.
    validated = dataclasses.replace(TRIAL_OPTIONS, final_validation=True, reuse_plans=True)
    checked = preflight(Workspace.from_root(root), 1, 2, validated,
                        check_device_present=False, check_weights=False)
    assert checked.ok and checked.context is not None, [str(p) for p in checked.problems]
    fold = checked.context.finetune_fold_dir
    # The state a run killed during its final validation leaves: trained, and its logs say no
    # more than that (the chain's trial skipped the validation on purpose; that line goes).
    for log in fold.glob("training_log_*.txt"):
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        log.write_text("".join(line for line in lines
                               if FINAL_VALIDATION_SKIPPED_TEXT not in line), encoding="utf-8")
    trained_at = (fold / "checkpoint_final.pth").stat().st_mtime_ns
    assert not (fold / "validation" / "summary.json").exists()
    monitored = nnft("monitor", str(fold))
    assert "final validation did not finish" in monitored.stdout, monitored.stdout
    assert "Training finished" not in monitored.stdout

    chain = S.plan_slurm_chain(checked.context, S.SlurmProfile(gpus=0, cpus_per_task=2),
                               ["0"], chain_id="V", chain_dir=tmp_path / "jobs", skip_done=True)
    assert [job.role for job in chain.jobs] == ["finetune"]
    env = dict(_without_nnunet_variables(), SLURM_JOB_ID="2")
    ran = subprocess.run(["bash", "-c", chain.jobs[0].text], capture_output=True, text=True,
                         env=env, timeout=1200, cwd=tmp_path)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output[-3000:]
    running = [line for line in ran.stdout.splitlines() if line.startswith("nnFT: running:")]
    assert len(running) == 1 and running[0].endswith("--val"), running
    assert "nnFT: finished" in ran.stdout
    assert (fold / "validation" / "summary.json").is_file()
    assert (fold / "checkpoint_final.pth").stat().st_mtime_ns == trained_at  # not retrained
    assert "(final validation done: validation/summary.json)" in nnft("monitor", str(fold)).stdout
    # Validated now: a new plan has nothing left to do for this fold.
    again = S.plan_slurm_chain(checked.context, S.SlurmProfile(gpus=0, cpus_per_task=2),
                               ["0"], chain_id="W", chain_dir=tmp_path / "jobs2", skip_done=True)
    assert [job.role for job in again.jobs] == []
