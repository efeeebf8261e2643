"""The command history (nnUNet_results/nnFT/command_history.jsonl): one line per command the
executor ran, and per command a script ran between nnFT's step hooks; the run report reads it.

Real child processes (``sys.executable -c``) and the real ``nnft step-hook`` command; no mocks.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from nnft.core import command_history as H
from nnft.core.executor import ChainExecutor, StepStatus
from nnft.core.plans import transferred_plans
from nnft.core.steps import Step, build_chain, hook_argv
from nnft.core.workspace import Workspace

PY = sys.executable


def _workspace(tmp_path: Path) -> Workspace:
    for name in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        (tmp_path / name).mkdir()
    return Workspace.from_root(tmp_path)


def _step(tmp_path: Path, key: str, exit_code: int, **kwargs) -> Step:
    out = tmp_path / f"{key}.out"
    source = (f"import pathlib, sys; pathlib.Path({str(out)!r}).write_text('x'); "
              f"sys.exit({exit_code})")
    return Step(key=key, title=f"Step {key}", why="test", is_done=out.exists,
                argv=[PY, "-c", source], **kwargs)


def test_the_executor_records_every_command_with_exit_status_and_duration(tmp_path) -> None:
    workspace = _workspace(tmp_path)
    ok = _step(tmp_path, "ok", 0)
    failing = _step(tmp_path, "failing", 3)
    outcome = ChainExecutor(lambda: [ok, failing], workspace, log_dir=tmp_path / "logs").run()
    assert outcome.statuses == {"ok": StepStatus.DONE, "failing": StepStatus.FAILED}

    def failing_backup() -> list[str]:
        raise OSError("backup failed")  # the step fails before its command starts

    refused = _step(tmp_path, "refused", 0, before_start=failing_backup)
    ChainExecutor(lambda: [refused], workspace, log_dir=tmp_path / "logs").run()

    records = H.read_history(workspace.state_dir)
    assert [(r.step, r.exit_code, r.status) for r in records] == [
        ("ok", 0, "done"), ("failing", 3, "failed"), ("refused", None, "failed")]
    for record, step in zip(records, (ok, failing, refused), strict=True):
        assert record.argv == step.argv and record.command == step.command_line()
        assert record.host == socket.gethostname() and record.source == "nnft"
        assert record.duration_s is not None and record.duration_s >= 0
        assert datetime.fromisoformat(record.started).tzinfo is not None
        assert Path(record.log).is_file()
    assert records[1].message == "exited with status 3"
    assert "backup failed" in records[2].message
    assert not (tmp_path / "refused.out").exists()  # its command never ran
    # One JSON object per line, appended: the file is the three lines in order.
    lines = H.history_path(workspace.state_dir).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["step"] for line in lines] == ["ok", "failing", "refused"]


def test_a_cut_off_line_is_skipped_and_later_lines_are_kept(tmp_path) -> None:
    state = tmp_path / "nnFT"
    H.append_record(state, H.CommandRecord(step="a", command="a", duration_s=1.5, exit_code=0,
                                           started="2026-01-01T10:00:00+00:00", status="done"))
    with open(H.history_path(state), "a", encoding="utf-8") as handle:
        handle.write('{"step": "b", "command": "cut off by a cra')  # a crash mid-line
    H.append_record(state, H.CommandRecord(step="c", command="c", exit_code=1, status="failed",
                                           started="2026-01-01T11:00:00+00:00"))
    assert [r.step for r in H.read_history(state)] == ["a", "c"]
    assert H.read_history(tmp_path / "nowhere") == []


def test_a_script_start_without_an_end_is_reported_as_unknown(tmp_path) -> None:
    state = tmp_path / "nnFT"
    H.script_start(state, "pretrain", "nnUNetv2_train 1 2d all", ["nnUNetv2_train", "1"])
    H.script_start(state, "finetune", "nnUNetv2_train 2 2d 0", ["nnUNetv2_train", "2"])
    H.script_finish(state, "finetune", "nnUNetv2_train 2 2d 0", ["nnUNetv2_train", "2"])
    finished = {r.step: r for r in H.finished_commands(H.read_history(state))}
    assert finished["finetune"].exit_code == 0 and finished["finetune"].status == "done"
    assert finished["finetune"].duration_s is not None
    assert finished["pretrain"].exit_code is None and finished["pretrain"].duration_s is None
    assert finished["pretrain"].status == "no end recorded"


def test_a_command_chosen_again_at_once_is_not_reported(tmp_path) -> None:
    """A SLURM training job runs its before hook again when the hook changed the command
    (a cut-off checkpoint moved away): only the command that ran is listed; a start long
    before another one (a stopped job, requeued) ended without a recorded end."""
    state = tmp_path / "nnFT"

    def start(command: str, at: str) -> None:
        H.append_record(state, H.CommandRecord(step="finetune", command=command, started=at,
                                               source="script", event=H.STARTED))

    start("nnUNetv2_train 2 2d 0 --c", "2026-11-29T10:00:00+00:00")
    start("nnUNetv2_train 2 2d 0 -pretrained_weights w.pth", "2026-11-29T10:00:01+00:00")
    start("nnUNetv2_train 2 2d 0 --c", "2026-11-29T14:00:00+00:00")  # requeued after a stop
    H.append_record(state, H.CommandRecord(step="finetune", command="nnUNetv2_train 2 2d 0 --c",
                                           started="2026-11-29T14:00:00+00:00", exit_code=0,
                                           duration_s=60.0, status="done", source="script"))
    rows = H.finished_commands(H.read_history(state))
    assert [(r.command, r.status) for r in rows] == [
        ("nnUNetv2_train 2 2d 0 -pretrained_weights w.pth", "no end recorded"),
        ("nnUNetv2_train 2 2d 0 --c", "done")]


def test_a_script_step_between_nnft_hooks_is_recorded(demo) -> None:
    """An exported script runs `nnft step-hook before`, the command, `nnft step-hook after`:
    the history gets the command's start and its success with the duration in between."""
    demo.write_finetune_plans()
    result = demo.preflight()
    assert result.context is not None, [str(p) for p in result.problems]
    ctx = result.context
    step = next(s for s in build_chain(ctx, fresh=True) if s.key == "transfer_plans")
    env = {**os.environ, **{k: str(v) for k, v in demo.workspace.roots().items()}}

    def hook(phase: str) -> None:
        done = subprocess.run(hook_argv(ctx, phase, step.key, step.argv, fresh=True),
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr

    hook("before")
    # The script's command: nnU-Net's transfer, written here as nnU-Net writes it.
    plans = transferred_plans(json.loads(ctx.finetune_plans_file.read_text(encoding="utf-8")),
                              ctx.pretrain.name, "nnUNetPlans", ctx.options.plans_name)
    ctx.pretrain_plans_file.parent.mkdir(parents=True, exist_ok=True)
    ctx.pretrain_plans_file.write_text(json.dumps(plans), encoding="utf-8")
    hook("after")

    records = H.read_history(demo.workspace.state_dir)
    assert [(r.event, r.step, r.source) for r in records] == [
        (H.STARTED, "transfer_plans", "script"), (H.FINISHED, "transfer_plans", "script")]
    (finished,) = H.finished_commands(records)
    assert finished.argv == step.argv and finished.command == step.command_line()
    assert finished.exit_code == 0 and finished.status == "done"
    assert finished.started == records[0].started and finished.duration_s is not None
