"""Nothing lost: every folder nnFT's steps would delete or overwrite is refused, or moved to a
timestamped backup after an explicit confirmation (``allow_overwrite``, ``--backup-and-overwrite``);
half-written checkpoints are never taken as done; every file nnFT writes itself is atomic.

Each refused operation leaves the whole workspace byte-identical (sha256 of every file); each
confirmed one changes only the expected paths, and the backup holds the old bytes.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnft.core import problems as P
from nnft.core.executor import ChainExecutor, StepStatus
from nnft.core.plans import transferred_plans
from nnft.core.problems import Severity
from nnft.core.runner import CommandRunner
from nnft.core.steps import (
    RUN_MARKER,
    Step,
    StepRefused,
    build_chain,
    checkpoint_complete,
    data_folder_owner,
    preprocessing_marker_path,
    write_preprocessing_marker,
)
from nnft.core.workspace import Workspace

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
CORE = Path(__file__).resolve().parents[2] / "core"


# -- helpers ---------------------------------------------------------------------------------
def _transfer(demo, name: str = "MyPlans") -> Path:
    """The fine-tuning dataset planned, and the transfer's plans already in place (reused)."""
    source = demo.write_finetune_plans()
    plans = transferred_plans(source, PRETRAIN, "nnUNetPlans", name)
    path = demo.pretrain_pre / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plans), encoding="utf-8")
    return path


def _data_folder(folder: Path, n_cases: int = 3, prefix: str = "pt") -> Path:
    folder.mkdir(parents=True)
    for i in range(1, n_cases + 1):
        for suffix in (".b2nd", "_seg.b2nd", ".pkl"):
            (folder / f"{prefix}_{i:03d}{suffix}").write_bytes(f"{folder.name}{i}{suffix}".encode())
    return folder


def _steps(result) -> dict[str, Step]:
    assert result.context is not None, [str(p) for p in result.problems]
    return {s.key: s for s in build_chain(result.context)}


def _changes(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


def _assert_only(demo, before: dict[str, str], after: dict[str, str], moved: Path,
                 *written: Path) -> None:
    """Only ``moved`` went away (all of it), the backup folder and ``written`` appeared."""
    rel = lambda p: str(p.relative_to(demo.root))  # noqa: E731
    changed = _changes(before, after)
    gone = {k for k in before if k == rel(moved) + "/" or k.startswith(rel(moved) + "/")}
    rewritten = {rel(p) for p in written} | {rel(p) + "/" for p in written}
    assert gone and gone - rewritten <= changed
    assert not any(k in after for k in gone - rewritten)
    state = rel(demo.results / "nnFT")
    expected = gone | {rel(p) for p in written} | {state + "/", state + "/backups/"}
    unexpected = {k for k in changed - expected if not k.startswith(state + "/backups/")}
    assert unexpected == set()


def _backup_of(demo, original: Path) -> Path:
    """The one backup of ``original`` (nnUNet_results/nnFT/backups/<stamp>/<root>/<relative>)."""
    root, relative = next((v, original.relative_to(r)) for v, r in
                          demo.workspace.roots().items() if original.is_relative_to(r))
    found = list((demo.results / "nnFT" / "backups").glob(f"*/{root}/{relative.as_posix()}"))
    assert len(found) == 1, found
    return found[0]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _zip_checkpoint(path: Path, size: int = 4096) -> Path:
    """A stand-in in torch.save's format (a zip archive whose directory comes last)."""
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", os.urandom(size))
    return path


def _truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _finetune_fold(demo, trainer: str = "nnUNetTrainer", fold: str = "0") -> Path:
    return demo.results / FINETUNE / f"{trainer}__nnUNetPlans__2d" / f"fold_{fold}"


def _pretrain_fold(demo, trainer: str = "nnUNetTrainer") -> Path:
    return demo.results / PRETRAIN / f"{trainer}__MyPlans__2d" / "fold_all"


def _marker(fold: Path, weights: Path) -> None:
    fold.mkdir(parents=True, exist_ok=True)
    (fold / RUN_MARKER).write_text(json.dumps({"pretrained_weights": str(weights)}),
                                   encoding="utf-8")


# -- preprocessed data folders (steps 1 and 5: nnU-Net deletes and recreates them) ------------
def test_foreign_pretraining_data_is_refused_and_nothing_changes(demo, expect) -> None:
    _transfer(demo)
    folder = _data_folder(demo.pretrain_pre / "MyPlans_2d")
    result = demo.preflight(reuse_plans=True)
    problem = expect(result, P.PREPROCESSED_DATA_EXISTS, ERROR, str(folder), "step 5")
    assert "--backup-and-overwrite" in problem.fix
    # The guard at the step's start refuses too (the state may have changed since preflight).
    step = _steps(result)["preprocess_pretrain"]
    before = demo.snapshot()
    with pytest.raises(StepRefused) as refused:
        step.before_start()
    assert refused.value.problem.code == P.PREPROCESSED_DATA_EXISTS
    assert demo.snapshot() == before


def test_foreign_pretraining_data_is_backed_up_when_confirmed(demo, expect) -> None:
    _transfer(demo)
    folder = _data_folder(demo.pretrain_pre / "MyPlans_2d")
    old = _tree(folder)
    result = demo.preflight(reuse_plans=True, allow_overwrite=True)
    expect(result, P.PREPROCESSED_DATA_EXISTS, WARNING, str(folder), "nnFT/backups")
    assert result.ok
    step = _steps(result)["preprocess_pretrain"]
    before = demo.snapshot()
    notes = step.before_start()
    backup = _backup_of(demo, folder)
    assert any(str(backup) in note for note in notes)  # named in the step's log
    assert not folder.exists()
    assert _tree(backup) == old
    _assert_only(demo, before, demo.snapshot(), folder, preprocessing_marker_path(folder))
    # From now on the folder nnU-Net writes is nnFT's own.
    folder.mkdir()
    assert data_folder_owner(folder, result.context.pretrain_plans_file) == "nnft"


def test_interrupted_nnft_preprocessing_is_recreated_without_asking(demo, expect, find) -> None:
    _transfer(demo)
    result = demo.preflight(reuse_plans=True)
    step = _steps(result)["preprocess_pretrain"]
    assert step.before_start() == []  # no folder yet: only the marker
    folder = _data_folder(demo.pretrain_pre / "MyPlans_2d", 2)  # killed after 2 of 12 cases
    result = demo.preflight(reuse_plans=True)
    expect(result, P.PREPROCESSED_DATA_EXISTS, INFO, str(folder), "left over")
    assert result.ok
    before = demo.snapshot()
    assert _steps(result)["preprocess_pretrain"].before_start() == []
    changed = _changes(before, demo.snapshot())
    assert changed <= {str(preprocessing_marker_path(folder).relative_to(demo.root))}
    assert folder.is_dir()  # left for nnU-Net to recreate


def test_marker_of_other_plans_does_not_vouch_for_the_folder(demo, expect) -> None:
    plans_file = _transfer(demo)
    folder = _data_folder(demo.pretrain_pre / "MyPlans_2d")
    write_preprocessing_marker(folder, plans_file, ["nnUNetv2_preprocess"])
    assert data_folder_owner(folder, plans_file) == "nnft"
    plans_file.write_text(plans_file.read_text() + " ", encoding="utf-8")  # other bytes
    assert data_folder_owner(folder, plans_file) == "other"
    preprocessing_marker_path(folder).write_text('{"data_identifier": "Other_2d"}')
    assert data_folder_owner(folder, plans_file) == "other"
    preprocessing_marker_path(folder).write_text("{broken")
    assert data_folder_owner(folder, plans_file) == "other"
    assert data_folder_owner(demo.pretrain_pre / "absent", plans_file) == "none"


def test_foreign_finetuning_data_before_planning_is_refused(demo, expect) -> None:
    # Not planned yet: nnUNetv2_plan_and_preprocess will write nnUNetPlans_2d.
    folder = _data_folder(demo.finetune_pre / "nnUNetPlans_2d", prefix="ft")
    result = demo.preflight()
    expect(result, P.PREPROCESSED_DATA_EXISTS, ERROR, str(folder), "step 1")
    before = demo.snapshot()
    with pytest.raises(StepRefused):
        _steps(result)["plan_finetune"].before_start()
    assert demo.snapshot() == before


def test_finetuning_data_of_an_interrupted_nnft_planning_is_ours(demo, find) -> None:
    result = demo.preflight()
    _steps(result)["plan_finetune"].before_start()  # marker before the plans exist
    marker = json.loads(preprocessing_marker_path(demo.finetune_pre / "nnUNetPlans_2d")
                        .read_text(encoding="utf-8"))
    assert marker["plans_sha256"] is None
    demo.write_finetune_plans()  # planning finished, preprocessing was killed half way
    _data_folder(demo.finetune_pre / "nnUNetPlans_2d", 2, prefix="ft")
    result = demo.preflight()
    assert [p.severity for p in find(result, P.PREPROCESSED_DATA_EXISTS)] == [INFO]
    assert result.ok
    # Once the step is done, after_done records the plans the data was made from.
    _steps(result)["plan_finetune"].after_done()
    marker = json.loads(preprocessing_marker_path(demo.finetune_pre / "nnUNetPlans_2d")
                        .read_text(encoding="utf-8"))
    assert marker["plans_sha256"] == hashlib.sha256(
        (demo.finetune_pre / "nnUNetPlans.json").read_bytes()).hexdigest()


def test_planning_backs_up_a_differing_dataset_json_copy(demo) -> None:
    """nnUNetv2_plan_and_preprocess rewrites nnUNet_preprocessed/<ds>/dataset.json."""
    copy = demo.finetune_pre / "dataset.json"
    copy.parent.mkdir(parents=True)
    copy.write_text('{"labels": {"an": "older version"}}', encoding="utf-8")
    notes = _steps(demo.preflight())["plan_finetune"].before_start()
    assert _backup_of(demo, copy).read_bytes() == copy.read_bytes()
    assert any("dataset.json" in n and "backed up" in n for n in notes)
    # The same content as the raw file: nothing to keep.
    shutil.copy(demo.finetune_raw / "dataset.json", copy)
    before = demo.snapshot()
    _steps(demo.preflight())["plan_finetune"].before_start()
    assert not [k for k in _changes(before, demo.snapshot()) if "backups" in k]


def test_data_folder_without_its_plans_file_is_refused_even_when_confirmed(demo, expect) -> None:
    demo.write_finetune_plans()
    folder = _data_folder(demo.pretrain_pre / "MyPlans_2d", 12)  # complete, but from what?
    for allow in (False, True):
        result = demo.preflight(allow_overwrite=allow)
        problem = expect(result, P.PREPROCESSED_DATA_EXISTS, ERROR, str(folder), "MyPlans.json")
        assert "--plans-name" in problem.fix


def test_complete_data_of_an_identical_transfer_is_used_not_replaced(demo, find) -> None:
    _transfer(demo)
    _data_folder(demo.pretrain_pre / "MyPlans_2d", 12)  # e.g. preprocessed by hand
    result = demo.preflight(reuse_plans=True)
    assert find(result, P.PREPROCESSED_DATA_EXISTS) == []
    assert _steps(result)["preprocess_pretrain"].is_done()


# -- the fine-tuning fold folder ---------------------------------------------------------------
def test_foreign_finetuning_fold_is_refused_and_nothing_changes(demo, expect) -> None:
    fold = _finetune_fold(demo)
    _zip_checkpoint(fold / "checkpoint_final.pth")
    (fold / "training_log_2026_1_1_00_00_00.txt").write_text("a run from scratch")
    result = demo.preflight()
    problem = expect(result, P.RESULTS_FOLDER_EXISTS, ERROR, str(fold), "overwrite")
    assert "--backup-and-overwrite" in problem.fix and "--fold" in problem.fix
    before = demo.snapshot()
    with pytest.raises(StepRefused) as refused:
        _steps(result)["finetune"].before_start()
    assert refused.value.problem.code == P.RESULTS_FOLDER_EXISTS
    assert demo.snapshot() == before


def test_foreign_finetuning_fold_is_backed_up_when_confirmed(demo, expect) -> None:
    fold = _finetune_fold(demo)
    _zip_checkpoint(fold / "checkpoint_final.pth")
    _zip_checkpoint(fold / "checkpoint_best.pth")
    (fold / "validation").mkdir()
    (fold / "validation" / "summary.json").write_text('{"mean": 0.8}')
    old = _tree(fold)
    result = demo.preflight(allow_overwrite=True)
    expect(result, P.RESULTS_FOLDER_EXISTS, WARNING, str(fold), "nnFT/backups")
    steps = _steps(result)
    argv = steps["finetune"].argv
    assert "-pretrained_weights" in argv and "--c" not in argv
    before = demo.snapshot()
    notes = steps["finetune"].before_start()
    backup = _backup_of(demo, fold)
    assert _tree(backup) == old
    assert any(str(backup) in note for note in notes)
    # The fold now holds only nnFT's marker for the new fine-tuning.
    assert sorted(p.name for p in fold.iterdir()) == [RUN_MARKER]
    _assert_only(demo, before, demo.snapshot(), fold, fold, fold / RUN_MARKER)


def test_run_from_other_weights_cannot_be_continued_with_new_ones(demo, expect) -> None:
    """nnU-Net raises on ``--c`` together with ``-pretrained_weights``; nnFT never builds that,
    and says why it will not touch a resumable run from other weights."""
    mine = demo.root / "weights from site B.pth"
    _zip_checkpoint(mine)
    fold = _finetune_fold(demo)
    _zip_checkpoint(fold / "checkpoint_latest.pth")
    _marker(fold, demo.root / "weights from site A.pth")
    result = demo.preflight(pretrained_weights=str(mine))
    problem = expect(result, P.RESULTS_FOLDER_EXISTS, ERROR, str(fold), "other weights",
                     "weights from site A.pth", "cannot be continued", "--c",
                     "-pretrained_weights")
    assert "--backup-and-overwrite" in problem.fix
    argv = _steps(result)["finetune"].argv
    assert "--c" not in argv and argv[-2:] == ["-pretrained_weights", str(mine)]
    # The same weights as the marker: continued with --c, no weights given again.
    result = demo.preflight(pretrained_weights=str(demo.root / "weights from site A.pth"))
    argv = _steps(result)["finetune"].argv
    assert argv[-1] == "--c" and "-pretrained_weights" not in argv


def test_fold_of_another_run_without_checkpoints_is_still_kept(demo, expect) -> None:
    fold = _finetune_fold(demo)
    fold.mkdir(parents=True)
    (fold / "training_log_2026_1_1_00_00_00.txt").write_text("crashed at start")
    (fold / "debug.json").write_text("{}")
    expect(demo.preflight(), P.RESULTS_FOLDER_EXISTS, ERROR, str(fold), "never wrote")


def test_empty_or_our_own_fold_is_no_problem(demo, find) -> None:
    fold = _finetune_fold(demo)
    fold.mkdir(parents=True)
    assert find(demo.preflight(), P.RESULTS_FOLDER_EXISTS) == []
    _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    (fold / "training_log_2026_1_1_00_00_00.txt").write_text("our run, crashed at start")
    assert find(demo.preflight(), P.RESULTS_FOLDER_EXISTS) == []


# -- half-written checkpoints ------------------------------------------------------------------
def test_checkpoint_complete_on_real_torch_checkpoints(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "checkpoint_final.pth"
    torch.save({"network_weights": {"w": torch.zeros(64, 64)}, "current_epoch": 3}, path)
    assert checkpoint_complete(path)
    for keep in (len(path.read_bytes()) - 1, 100, 3, 0):
        cut = tmp_path / f"cut_{keep}.pth"
        cut.write_bytes(path.read_bytes()[:keep])
        assert not checkpoint_complete(cut), keep
    assert not checkpoint_complete(tmp_path / "missing.pth")
    assert not checkpoint_complete(tmp_path)
    # Other formats (torch's legacy pickle) cannot be checked this way: trusted.
    legacy = tmp_path / "legacy.pth"
    torch.save({"w": torch.zeros(2)}, legacy, _use_new_zipfile_serialization=False)
    assert checkpoint_complete(legacy)


def test_truncated_final_checkpoint_is_not_done_and_is_moved_aside(demo, expect) -> None:
    _transfer(demo)
    fold = _pretrain_fold(demo)
    final = _truncate(_zip_checkpoint(fold / "checkpoint_final.pth"))
    _zip_checkpoint(fold / "checkpoint_latest.pth")
    cut = final.read_bytes()
    result = demo.preflight(reuse_plans=True)
    expect(result, P.RESULTS_FOLDER_EXISTS, WARNING, str(fold), "checkpoint_final.pth",
           "cut off")
    step = _steps(result)["pretrain"]
    assert not step.is_done()
    assert step.argv[-1] == "--c"  # continued from the whole checkpoint_latest.pth
    notes = step.before_start()
    assert not final.exists() and (fold / "checkpoint_latest.pth").is_file()
    assert _backup_of(demo, final).read_bytes() == cut
    assert any("checkpoint_final.pth" in n and "cut off" in n for n in notes)


def test_truncated_only_checkpoint_of_a_finetuning_restarts_with_the_weights(demo) -> None:
    fold = _finetune_fold(demo)
    _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    _truncate(_zip_checkpoint(fold / "checkpoint_latest.pth"))
    step = _steps(demo.preflight())["finetune"]
    # --c would load the cut-off file (or, without it, start WITHOUT the weights).
    assert "--c" not in step.argv and "-pretrained_weights" in step.argv
    step.before_start()
    assert not (fold / "checkpoint_latest.pth").exists()


# -- the executor: a refused guard fails the step, never raises --------------------------------
@pytest.fixture
def workspace(tmp_path) -> Workspace:
    for name in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        (tmp_path / name).mkdir()
    return Workspace.from_root(tmp_path)


def _python_step(key: str, source: str, before_start=None, done: Path | None = None) -> Step:
    return Step(key=key, title=key, why="test", argv=[sys.executable, "-c", source],
                is_done=(done.exists if done else (lambda: False)), before_start=before_start)


def test_refused_step_fails_unstarted_with_its_problem(workspace, tmp_path) -> None:
    ran = tmp_path / "ran"

    def refuse():
        raise StepRefused(P.error(P.RESULTS_FOLDER_EXISTS, "fold_0 holds another run.",
                                  "Use --backup-and-overwrite."))

    steps = [_python_step("a", f"open({str(ran)!r}, 'w')", refuse),
             _python_step("b", f"open({str(ran)!r}, 'w')")]
    events = []
    outcome = ChainExecutor(lambda: steps, workspace, on_event=events.append).run()
    assert outcome.statuses == {"a": StepStatus.FAILED, "b": StepStatus.PENDING}
    assert "RESULTS_FOLDER_EXISTS" in outcome.message
    assert not ran.exists()
    (finished,) = [e for e in events if e.kind == "finished"]
    assert any("--backup-and-overwrite" in line for line in finished.result.tail)
    assert "RESULTS_FOLDER_EXISTS" in finished.log_path.read_text(encoding="utf-8")


def test_before_start_notes_go_to_the_log(workspace, tmp_path) -> None:
    done = tmp_path / "done"
    step = _python_step("a", f"open({str(done)!r}, 'w')",
                        lambda: ["nnFT: moved X to the backup Y"], done)
    events = []
    outcome = ChainExecutor(lambda: [step], workspace, on_event=events.append).run()
    assert outcome.ok
    assert "nnFT: moved X to the backup Y" in [e.line for e in events if e.kind == "line"]
    log = next(e.log_path for e in events if e.kind == "finished").read_text(encoding="utf-8")
    assert log.splitlines()[:2] == [f"$ {step.command_line()}", "nnFT: moved X to the backup Y"]


@POSIX_ONLY
def test_a_killed_command_is_failed_with_the_signal_and_its_last_output(workspace) -> None:
    step = _python_step("a", "import os, signal\nprint('half way', flush=True)\n"
                             "os.kill(os.getpid(), signal.SIGKILL)")
    events = []
    outcome = ChainExecutor(lambda: [step], workspace, on_event=events.append).run()
    assert outcome.statuses["a"] is StepStatus.FAILED
    assert "SIGKILL" in outcome.message and "out-of-memory" in outcome.message
    (finished,) = [e for e in events if e.kind == "finished"]
    assert finished.result.tail == ["half way"]


@POSIX_ONLY
def test_workers_outliving_a_killed_main_process_are_ended(tmp_path) -> None:
    """nnU-Net's augmentation workers keep the output open after the trainer is SIGKILLed (seen
    with nnUNet_n_proc_DA=2): without the watcher the run never ends."""
    pid_file = tmp_path / "worker.pid"
    source = textwrap.dedent(f"""
        import os, signal, subprocess, sys, time
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(worker.pid))
        print("worker started", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    runner = CommandRunner([sys.executable, "-c", source], orphan_grace_s=0.5)
    start = time.monotonic()
    result = runner.run()
    assert time.monotonic() - start < 30
    assert result.exit_code == -signal.SIGKILL
    assert "nnFT: the command's main process ended" in result.tail[-1]
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        state = Path(f"/proc/{worker}/stat")
        if state.exists() and state.read_text().split(") ")[-1].startswith("Z"):
            break  # a zombie: dead, waiting for its (gone) parent to be reaped
        time.sleep(0.1)
    else:
        pytest.fail("the orphaned worker still runs")


# -- every file nnFT writes itself is atomic ---------------------------------------------------
def _writers(demo):
    """(name, target file, write()) for each file nnFT writes itself."""
    from nnft.core.cli import main as cli_main
    from nnft.core.session import Session
    from nnft.core.steps import record_transfer

    _transfer(demo)
    result = demo.preflight(reuse_plans=True)
    ctx = result.context
    steps = _steps(result)
    script = demo.root / "chain.sh"
    state = ctx.workspace.state_dir
    old = "OLD CONTENT"
    # An earlier marker of the same fine-tuning (a foreign one would be refused, not replaced).
    old_marker = json.dumps({"pretrained_weights": str(ctx.pretrained_checkpoint), "old": 1})
    return [
        ("session", state / "session.json",
         lambda: Session(pretrain=PRETRAIN).save(state / "session.json"), old),
        ("fine-tuning marker", ctx.finetune_fold_dir / RUN_MARKER,
         steps["finetune"].before_start, old_marker),
        ("preprocessing marker", preprocessing_marker_path(demo.pretrain_pre / "MyPlans_2d"),
         steps["preprocess_pretrain"].before_start, old),
        ("copied dataset.json", demo.pretrain_pre / "dataset.json",
         lambda: steps["copy_dataset_json"].action(lambda line: None), old),
        ("transfer registry", state / "transfers.json", lambda: record_transfer(ctx), old),
        ("export --output", script,
         lambda: cli_main(["export", "--workspace", str(demo.root), "--pretrain", "1",
                           "--finetune", "2", "--config", "2d", "--device", "cpu",
                           "--plans-name", "MyPlans", "--reuse-plans", "--output", str(script)]),
         old),
    ]


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("which", range(6))
def test_writer_is_atomic(demo, monkeypatch, which: int) -> None:
    name, target, write, old = _writers(demo)[which]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(old, encoding="utf-8")
    real_replace = os.replace

    def crash(source, destination, *args, **kwargs):
        if Path(destination) == target:
            raise OSError("crash mid-write")
        return real_replace(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises((OSError, SystemExit)):
        code = write()
        if code:  # the CLI reports instead of raising
            raise SystemExit(code)
    assert target.read_text(encoding="utf-8") == old, name
    assert _temp_files(demo.root) == [], name
    monkeypatch.setattr(os, "replace", real_replace)
    assert write() in (None, 0, [])
    assert target.read_text(encoding="utf-8") != old, name
    assert _temp_files(demo.root) == [], name


# Writes in core/ that are not atomic on purpose. Anything else must go through
# nnft.core.safety (atomic_write_text / atomic_copy) or write to a temporary file and rename.
_ALLOWED_WRITERS = {
    ("steps/model_source.py", "import_model"): "copies the model's files into a new temporary "
                                               "staging folder (mkdtemp), renamed into place "
                                               "when whole",
    ("safety.py", "atomic_write"): "the atomic writer itself (temporary file + rename)",
    ("safety.py", "atomic_copy"): "the atomic copy itself",
    ("safety.py", "backup_path"): "copies into a new, timestamped backup folder",
    ("executor.py", "_run_step"): "a new step log per run, appended while the step runs",
    ("executor.py", "_before_start"): "appends to that step log",
    ("executor.py", "_run_action"): "writes that step log",
    ("runner.py", "run"): "appends the command's output to its log as it comes",
    ("runner.py", "_run_tailing"): "appends nnFT's note to the log a detachable command writes",
    ("command_history.py", "append_record"):
        "appends one whole line to the command history (append-only, never rewritten)",
    ("weights/cpu_copy.py", "make_cpu_copy"):
        "torch.save into safety.atomic_write's temporary file",
    ("model_export.py", "_stage_checkpoint"):
        "torch.save into the export's own new temporary staging folder (never the workspace)",
    ("model_export.py", "_stage_model"):
        "copies into the export's own new temporary staging folder (never the workspace)",
}
_WRITE_METHODS = {"write_text", "write_bytes", "copy2", "copyfile", "copytree", "save_json"}
#: Only these modules' ``save``/``dump``/``copy`` write files (``session.save`` is atomic).
_WRITE_FUNCTIONS = {"torch": {"save"}, "np": {"save", "savez"}, "numpy": {"save", "savez"},
                    "json": {"dump"}, "pickle": {"dump"}, "shutil": {"copy", "move"}}


def test_every_writer_in_core_is_atomic_or_a_log() -> None:
    """A new non-atomic write in core/ fails here: use nnft.core.safety instead."""
    found = set()
    for path in sorted(CORE.rglob("*.py")):
        if path.name == "demo.py":  # writes a new demo workspace into an empty folder
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                owner = getattr(getattr(node.func, "value", None), "id", "")
                writes = name in _WRITE_METHODS or name in _WRITE_FUNCTIONS.get(owner, ())
                if name in ("open", "fdopen"):
                    modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
                    modes += [k.value.value for k in node.keywords
                              if k.arg == "mode" and isinstance(k.value, ast.Constant)]
                    writes = any(isinstance(m, str) and set(m) & set("wax+") for m in modes)
                if writes:
                    found.add((path.relative_to(CORE).as_posix(), function.name))
    unexpected = {w for w in found if w not in _ALLOWED_WRITERS}
    # Helpers nested in an allowed function are listed under their own name; nested functions
    # of build_chain that write go through safety (checked by test_writer_is_atomic).
    assert unexpected == set(), f"non-atomic writes in core/: {sorted(unexpected)}"


def test_exported_script_backs_up_an_outdated_dataset_json_copy(demo) -> None:
    """The script's plain `cp` of step 4 runs after the step's hook, which backs up the copy it
    replaces, as nnFT's own action does (one implementation: the step's before_start)."""
    import subprocess

    from nnft.core.steps import export_bash

    result = demo.preflight()
    assert result.context is not None, [str(p) for p in result.problems]
    script = export_bash(result.context, build_chain(result.context, fresh=True))
    lines = script.splitlines()
    step4 = lines.index(next(line for line in lines if line.startswith("# 4. ")))
    body = [line for line in lines[step4:] if line.strip()]
    copy_lines = body[2:5]  # heading and why, then hook, cp, hook
    assert copy_lines[0].startswith('"${NNFT_STEP_HOOK[@]}" before copy_dataset_json')
    assert copy_lines[1].startswith("cp ")
    head = [line for line in lines if line.startswith(("set ", "export ", "NNFT_STEP_HOOK="))]
    copied = demo.pretrain_pre / "dataset.json"
    copied.parent.mkdir(parents=True)
    copied.write_text('{"outdated": true}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
    ran = subprocess.run(["bash", "-c", "\n".join([*head, *copy_lines])], capture_output=True,
                         text=True, env=env, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert copied.read_bytes() == (demo.pretrain_raw / "dataset.json").read_bytes()
    backups = list((demo.results / "nnFT" / "backups").rglob("dataset.json"))
    assert [b.read_text(encoding="utf-8") for b in backups] == ['{"outdated": true}']
    assert str(backups[0]) in ran.stdout  # the hook names the backup
