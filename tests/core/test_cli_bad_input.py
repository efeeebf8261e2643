"""Bad input through the real command line (``python -m nnft.core.cli``): each case gets its
problem code and a fix, exit status 1, never a traceback, and writes nothing (sha256 of every
file of the workspace before and after)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nnft.core import cli

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
CHOICE = ["--config", "2d", "--device", "cpu"]
TRIAL = ["--epochs", "1", "--iterations", "1", "--no-final-validation"]


def _env_without_roots() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}


def _nnft(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnft.core.cli", *args], capture_output=True,
                          text=True, timeout=120, env=env or _env_without_roots())


def _edit_json(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _malformed_json(demo) -> None:
    (demo.finetune_raw / "dataset.json").write_text('{"channel_names": ', encoding="utf-8")


def _missing_json(demo) -> None:
    (demo.pretrain_raw / "dataset.json").unlink()


def _json_not_utf8(demo) -> None:
    (demo.finetune_raw / "dataset.json").write_bytes(b"\xff\xfe{\x00")


def _json_not_an_object(demo) -> None:
    (demo.finetune_raw / "dataset.json").write_text("[1, 2]", encoding="utf-8")


def _json_missing_key(demo) -> None:
    _edit_json(demo.finetune_raw / "dataset.json", lambda d: d.pop("labels"))


def _wrong_num_training(demo) -> None:
    _edit_json(demo.pretrain_raw / "dataset.json", lambda d: d.update(numTraining=99))


def _missing_label(demo) -> None:
    next((demo.finetune_raw / "labelsTr").glob("*.nii.gz")).unlink()


def _same_id_twice(demo) -> None:
    shutil.copytree(demo.finetune_raw, demo.raw / "Dataset002_SomethingElse")


def _same_id_in_results(demo) -> None:
    (demo.results / "Dataset001_Stale").mkdir()


def _root_missing(demo) -> None:
    shutil.rmtree(demo.results)


def _root_is_a_file(demo) -> None:
    shutil.rmtree(demo.preprocessed)
    demo.preprocessed.write_text("not a folder", encoding="utf-8")


def _foreign_data_folder(demo) -> None:
    folder = demo.finetune_pre / "nnUNetPlans_2d"
    folder.mkdir(parents=True)
    (folder / "ft_001.pkl").write_bytes(b"someone else's")


def _nothing(demo) -> None:
    pass


CASES = [
    # (id, setup, extra arguments, code)
    ("malformed dataset.json", _malformed_json, [], "DATASET_JSON_INVALID"),
    ("missing dataset.json", _missing_json, [], "DATASET_JSON_INVALID"),
    ("dataset.json not UTF-8", _json_not_utf8, [], "DATASET_JSON_INVALID"),
    ("dataset.json a list", _json_not_an_object, [], "DATASET_JSON_INVALID"),
    ("dataset.json without labels", _json_missing_key, [], "DATASET_JSON_INVALID"),
    ("wrong numTraining", _wrong_num_training, [], "DATASET_FILES_MISSING"),
    ("missing label file", _missing_label, [], "DATASET_FILES_MISSING"),
    ("two folders with one id", _same_id_twice, [], "DATASET_ID_AMBIGUOUS"),
    ("same id, other name in results", _same_id_in_results, [], "DATASET_ID_AMBIGUOUS"),
    ("nnUNet_results missing", _root_missing, [], "ENV_FOLDER_MISSING"),
    ("nnUNet_preprocessed a file", _root_is_a_file, [], "ENV_FOLDER_MISSING"),
    ("foreign data folder", _foreign_data_folder, [], "PREPROCESSED_DATA_EXISTS"),
    ("plans name with ..", _nothing, ["--plans-name", "../evil"], "PLANS_ID_INVALID"),
    ("plans name with /", _nothing, ["--plans-name", "a/b"], "PLANS_ID_INVALID"),
    ("fine-tuning plans with /", _nothing, ["--finetune-plans", "x/../nnUNetPlans"],
     "PLANS_ID_INVALID"),
    ("trainer with /", _nothing, ["--trainer", "../nnUNetTrainer"], "OPTIONS_INVALID"),
    ("fold with /", _nothing, ["--fold", "../0"], "FOLD_INVALID"),
    ("configuration with /", _nothing, ["--config", "../2d"], "CONFIG_NOT_AVAILABLE"),
    ("same dataset twice", _nothing, ["--finetune", "1"], "SAME_DATASET"),
    ("dataset reference with /", _nothing, ["--pretrain", "../Dataset001_DemoPretrain"],
     "DATASET_NOT_FOUND"),
    ("unknown dataset", _nothing, ["--pretrain", "7"], "DATASET_NOT_FOUND"),
]


def _choice(demo, extra: list[str]) -> list[str]:
    args = ["--workspace", str(demo.root), "--pretrain", "1", "--finetune", "2", *CHOICE]
    # A later value wins in argparse: the case's own --pretrain/--config/... replace these.
    return args + extra


@pytest.mark.parametrize(("setup", "extra", "code"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_refused_without_traceback_and_writes_nothing(demo, setup, extra, code):
    setup(demo)
    before = demo.snapshot() if demo.root.is_dir() else {}
    check = _nnft("check", *_choice(demo, extra))
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"ERROR [{code}]" in check.stdout
    assert "fix: " in check.stdout
    run = _nnft("run", *_choice(demo, extra), *TRIAL)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"ERROR [{code}]" in run.stderr and "Nothing was run." in run.stderr
    for result in (check, run):
        assert "Traceback" not in result.stdout + result.stderr
    assert demo.snapshot() == before


def test_json_output_of_a_refusal(demo):
    _wrong_num_training(demo)
    result = _nnft("check", *_choice(demo, []), "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    (problem,) = [p for p in problems if p["code"] == "DATASET_FILES_MISSING"]
    assert problem["severity"] == "error" and problem["fix"]


def test_unset_roots(demo):
    result = _nnft("run", "--pretrain", "1", "--finetune", "2", *CHOICE, *TRIAL)
    assert result.returncode == 1
    assert result.stderr.count("ERROR [ENV_NOT_SET]") == 3
    assert "--workspace" in result.stderr and "Traceback" not in result.stderr


def test_roots_from_the_environment_with_one_missing(demo, tmp_path):
    env = _env_without_roots() | {"nnUNet_raw": str(demo.raw),
                                  "nnUNet_preprocessed": str(demo.preprocessed),
                                  "nnUNet_results": str(tmp_path / "nowhere")}
    before = demo.snapshot()
    result = _nnft("run", "--pretrain", "1", "--finetune", "2", *CHOICE, *TRIAL, env=env)
    assert result.returncode == 1 and "ERROR [ENV_FOLDER_MISSING]" in result.stderr
    assert str(tmp_path / "nowhere") in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists()
    assert demo.snapshot() == before


def test_read_only_root(demo, monkeypatch, capfd):
    """root bypasses permissions, so os.access is what nnFT asks; it says read-only here."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False
                        if Path(path) == demo.results and mode & os.W_OK
                        else real_access(path, mode, *a, **k))
    before = demo.snapshot()
    code = cli.main(["run", *_choice(demo, []), *TRIAL])
    err = capfd.readouterr().err
    assert code == 1 and "ERROR [ENV_FOLDER_NOT_WRITABLE]" in err and "fix: " in err
    assert demo.snapshot() == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="root writes into read-only folders; test_read_only_root covers it")
def test_read_only_root_for_real(demo):
    demo.results.chmod(0o555)
    try:
        result = _nnft("run", *_choice(demo, []), *TRIAL)
    finally:
        demo.results.chmod(0o755)
    assert result.returncode == 1 and "ENV_FOLDER_NOT_WRITABLE" in result.stderr


def test_paths_with_spaces_and_non_ascii_are_fine(demo, tmp_path):
    root = tmp_path / "mein Ordner ü 東京"
    shutil.copytree(demo.root, root)
    result = _nnft("check", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                   *CHOICE)
    assert result.returncode == 0, result.stdout + result.stderr
    script = root / "ausgabe ö" / "chain.sh"
    result = _nnft("export", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                   *CHOICE, "--output", str(script))
    assert result.returncode == 0, result.stderr
    assert f"export nnUNet_raw='{root / 'nnUNet_raw'}'" in script.read_text(encoding="utf-8")


def test_export_to_a_folder_or_unwritable_place(demo, tmp_path):
    before = demo.snapshot()
    for target in (tmp_path, Path("/proc/nnft-cannot-write-here.sh")):
        result = _nnft("export", *_choice(demo, []), "--output", str(target))
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert demo.snapshot() == before


def test_confirmation_turns_the_refusal_into_a_named_backup(demo):
    _foreign_data_folder(demo)
    result = _nnft("check", *_choice(demo, []), "--backup-and-overwrite")
    assert result.returncode == 0, result.stdout
    assert "WARNING [PREPROCESSED_DATA_EXISTS]" in result.stdout
    assert "nnFT/backups" in result.stdout


@pytest.mark.parametrize("args", [
    ["run", "--pretrain", "1"],  # --finetune missing
    ["run", "--pretrain", "1", "--finetune", "2", "--workers", "0"],
    ["run", "--pretrain", "1", "--finetune", "2", "--epochs", "x"],
    ["run", "--pretrain", "1", "--finetune", "2", "--device", "tpu"],
    ["monitor"],
    ["nonsense"],
])
def test_usage_errors_exit_2_without_traceback(args):
    result = _nnft(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_monitor_refuses_a_file(tmp_path):
    path = tmp_path / "fold_0"
    path.write_text("x")
    result = _nnft("monitor", str(path), "--follow")
    assert result.returncode == 2 and "is a file" in result.stderr
    result = _nnft("monitor", str(tmp_path / "not_a_fold"), "--follow")
    assert result.returncode == 2 and "fold_0" in result.stderr


# -- nnft step-hook (called by exported and SLURM scripts) -------------------------------------
def test_step_hook_bad_input_is_named_and_writes_nothing(demo, snapshot_of) -> None:
    from nnft.core.steps import RunOptions, chain_spec
    from nnft.core.steps.hooks import context_from_spec

    ctx = context_from_spec(demo.workspace, {
        "pretrain": PRETRAIN, "finetune": FINETUNE,
        "options": {"configuration": "2d", "plans_name": "MyPlans", "device": "cpu"}})
    assert ctx.options == RunOptions(configuration="2d", plans_name="MyPlans", device="cpu")
    chain = json.dumps(chain_spec(ctx))
    roots = {**_env_without_roots(), **{k: str(v) for k, v in demo.workspace.roots().items()}}
    before = snapshot_of(demo.root)

    outside = _nnft("step-hook", "after", "transfer_plans", "--spec", chain)
    assert outside.returncode == 2 and "nnUNet_raw" in outside.stderr
    bad = _nnft("step-hook", "after", "transfer_plans", "--spec", '{"pretrain": 1}', env=roots)
    assert bad.returncode == 2 and "not a chain" in bad.stderr
    assert "Traceback" not in outside.stderr + bad.stderr
    # The step's command did not make its outputs: nothing is recorded (as in the executor).
    not_done = _nnft("step-hook", "after", "transfer_plans", "--spec", chain, "--",
                     "nnUNetv2_move_plans_between_datasets", env=roots)
    assert not_done.returncode == 3
    assert "outputs are missing or incomplete; nothing was recorded" in not_done.stderr
    assert snapshot_of(demo.root) == before
