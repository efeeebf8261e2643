"""Workspace, session, safety and machine (nnft.core.workspace / session / safety / machine):
the environment nnU-Net children get, resumable sessions, writes that never lose data, and
worker counts that fit the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnft.core import machine
from nnft.core import problems as P
from nnft.core.safety import atomic_copy, atomic_write_text, backup_path
from nnft.core.session import SESSION_VERSION, Session
from nnft.core.workspace import ROOT_VARIABLES, Workspace, trainers_folder

GiB = 1024**3


def _workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.from_root(tmp_path / "ws")
    for folder in ws.roots().values():
        folder.mkdir(parents=True)
    return ws


# -- workspace -----------------------------------------------------------------------------------
def test_from_environment_unset_and_empty() -> None:
    assert Workspace.from_environment({}) == Workspace(None, None, None)
    assert Workspace.from_environment({"nnUNet_raw": "", "nnUNet_preprocessed": "  \t",
                                       "nnUNet_results": "\n"}) == Workspace(None, None, None)


def test_from_environment_reads_os_environ(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("nnUNet_raw", str(tmp_path / "r"))
    monkeypatch.delenv("nnUNet_preprocessed", raising=False)
    monkeypatch.setenv("nnUNet_results", "")
    assert Workspace.from_environment() == Workspace(tmp_path / "r", None, None)


def test_from_environment_makes_paths_absolute(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ws = Workspace.from_environment({"nnUNet_raw": "raw", "nnUNet_preprocessed": "~/pre",
                                     "nnUNet_results": f" {tmp_path / 'res'} "})
    assert ws.raw == tmp_path / "raw"
    assert ws.preprocessed == tmp_path / "home" / "pre"
    assert ws.results == tmp_path / "res"
    assert all(p.is_absolute() for p in ws.roots().values())


def test_from_root_and_roots(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    ws = Workspace.from_root("here")
    assert list(ws.roots()) == list(ROOT_VARIABLES)
    assert ws.roots() == {"nnUNet_raw": tmp_path / "here" / "nnUNet_raw",
                          "nnUNet_preprocessed": tmp_path / "here" / "nnUNet_preprocessed",
                          "nnUNet_results": tmp_path / "here" / "nnUNet_results"}
    assert ws.state_dir == tmp_path / "here" / "nnUNet_results" / "nnFT"


def test_check_reports_each_root(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    assert ws.check() == []
    problems = Workspace(None, ws.preprocessed, tmp_path / "nope").check()
    assert [p.code for p in problems] == [P.ENV_NOT_SET, P.ENV_FOLDER_MISSING]
    assert "nnUNet_raw" in problems[0].message and str(tmp_path / "nope") in problems[1].message


def test_check_writable_only_when_needed(tmp_path: Path, monkeypatch) -> None:
    ws = _workspace(tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not mode & os.W_OK)
    assert [p.code for p in ws.check()] == [P.ENV_FOLDER_NOT_WRITABLE] * 2
    assert ws.check(need_writable=False) == []


def test_state_dir_needs_results() -> None:
    with pytest.raises(ValueError, match="nnUNet_results"):
        _ = Workspace(None, None, None).state_dir


def test_child_environment(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    base = {"nnUNet_extTrainer": os.pathsep.join(["/user/a", "", "/user/b"]),
            "PATH": "/usr/bin", "nnUNet_raw": "/old/raw", "OTHER": "kept"}
    original = dict(base)
    env = ws.child_environment(base)
    ours = str(trainers_folder())
    assert env["nnUNet_extTrainer"].split(os.pathsep) == [ours, "/user/a", "/user/b"]
    assert (Path(ours) / "nnft_trainers.py").is_file()
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["nnUNet_raw"] == str(ws.raw)
    assert env["nnUNet_preprocessed"] == str(ws.preprocessed)
    assert env["nnUNet_results"] == str(ws.results)
    assert env["OTHER"] == "kept"
    assert env["PATH"].split(os.pathsep) == [str(Path(sys.executable).parent), "/usr/bin"]
    assert base == original, "the caller's mapping must not change"


def test_child_environment_does_not_duplicate_our_trainers(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    ours = str(trainers_folder())
    env = ws.child_environment({"nnUNet_extTrainer": os.pathsep.join(["/user/a", ours])})
    assert env["nnUNet_extTrainer"].split(os.pathsep) == [ours, "/user/a"]
    assert ws.child_environment({})["nnUNet_extTrainer"] == ours


def test_child_environment_defaults_and_extra(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NNFT_TEST_MARKER", "from os.environ")
    monkeypatch.setenv("nnUNet_results", "/user/results")
    partial = Workspace(tmp_path, None, None)
    env = partial.child_environment(extra={"nnUNet_n_proc_DA": "0", "PYTHONUNBUFFERED": "x"})
    assert env["NNFT_TEST_MARKER"] == "from os.environ"
    assert env["nnUNet_raw"] == str(tmp_path)
    assert env["nnUNet_results"] == "/user/results"  # unset roots keep the user's value
    assert env["nnUNet_n_proc_DA"] == "0"
    assert env["PYTHONUNBUFFERED"] == "x"  # extra wins
    assert os.environ.get("PYTHONUNBUFFERED") != "x"


# -- session -----------------------------------------------------------------------------------
def test_session_roundtrip(tmp_path: Path) -> None:
    session = Session(workspace_root=str(tmp_path / "wörk space"), raw="/r", preprocessed="/p",
                      results="/s", pretrain="1", finetune="Dataset002_DemoFinetune",
                      options={"configuration": "2d", "trial_epochs": None, "fold": "all"},
                      step_status={"plan_finetune": "done", "pretrain": "running"})
    path = tmp_path / "state" / "session.json"
    session.save(path)
    assert session.updated  # stamped on save
    loaded = Session.load(path)
    assert loaded == session
    assert loaded.version == SESSION_VERSION
    assert [p.name for p in path.parent.iterdir()] == ["session.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["pretrain"] == "1"


def test_session_save_replaces(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    Session(pretrain="1").save(path)
    Session(pretrain="7").save(path)
    assert Session.load(path).pretrain == "7"


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b"null", b"42", b"\xff\xfe",
                                     b'{"pretrain": "1"', b'"text"'])
def test_session_load_junk(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(content)
    assert Session.load(path) is None


def test_session_load_missing_or_folder(tmp_path: Path) -> None:
    assert Session.load(tmp_path / "missing.json") is None
    assert Session.load(tmp_path) is None


def test_session_unknown_and_missing_keys(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_text(json.dumps({"pretrain": "3", "from_a_newer_nnft": {"x": 1}, "version": 9}),
                    encoding="utf-8")
    loaded = Session.load(path)
    assert loaded is not None
    assert loaded.pretrain == "3" and loaded.version == 9
    assert loaded.finetune is None and loaded.options == {} and loaded.step_status == {}
    assert not hasattr(loaded, "from_a_newer_nnft")


# -- safety --------------------------------------------------------------------------------------
def test_atomic_write_text(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "file.json"
    atomic_write_text(path, "first\n")
    atomic_write_text(path, "zweite Fassung\r\nü\n")
    assert path.read_bytes() == "zweite Fassung\r\nü\n".encode()
    assert [p.name for p in path.parent.iterdir()] == ["file.json"]


@pytest.mark.parametrize("exception", [OSError("disk full"), KeyboardInterrupt()])
def test_atomic_write_interrupted_keeps_old_content(tmp_path: Path, monkeypatch,
                                                    exception: BaseException) -> None:
    path = tmp_path / "session.json"
    path.write_text("old", encoding="utf-8")

    def replace(*args, **kwargs):
        raise exception

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(type(exception)):
        atomic_write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_atomic_write_interrupted_while_writing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "session.json"
    path.write_text("old", encoding="utf-8")

    def fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        atomic_write_text(path, "new" * 10_000)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_atomic_copy(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "source.json"
    source.write_text("content", encoding="utf-8")
    target = tmp_path / "out" / "dataset.json"
    atomic_copy(source, target)
    assert target.read_text(encoding="utf-8") == "content"
    source.write_text("newer", encoding="utf-8")

    def replace(*args, **kwargs):
        raise OSError("interrupted")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        atomic_copy(source, target)
    assert target.read_text(encoding="utf-8") == "content"
    assert [p.name for p in target.parent.iterdir()] == ["dataset.json"]


_STAMP = r"\d{8}-\d{6}-\d{6}"


def test_backup_path_file(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    original = ws.preprocessed / "Dataset001_DemoPretrain" / "dataset.json"
    original.parent.mkdir()
    original.write_text('{"old": true}', encoding="utf-8")
    target = backup_path(ws, original)
    relative = target.relative_to(ws.results / "nnFT" / "backups")
    assert re.fullmatch(_STAMP, relative.parts[0])
    assert relative.parts[1:] == ("nnUNet_preprocessed", "Dataset001_DemoPretrain",
                                  "dataset.json")
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert original.read_text(encoding="utf-8") == '{"old": true}', "a copy, not a move"


def test_backup_path_move_folder(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    fold = ws.results / "Dataset002_X" / "nnUNetTrainer__nnUNetPlans__2d" / "fold_0"
    fold.mkdir(parents=True)
    (fold / "checkpoint_final.pth").write_bytes(b"weights")
    target = backup_path(ws, fold, move=True)
    assert not fold.exists()
    assert target.parts[-4:] == ("nnUNet_results", "Dataset002_X",
                                 "nnUNetTrainer__nnUNetPlans__2d", "fold_0")
    assert (target / "checkpoint_final.pth").read_bytes() == b"weights"
    assert target.is_relative_to(ws.results / "nnFT" / "backups")


def test_backup_path_folder_copy_and_outside(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    data = ws.raw / "Dataset003_Y"
    (data / "imagesTr").mkdir(parents=True)
    (data / "imagesTr" / "a_0000.nii.gz").write_bytes(b"img")
    target = backup_path(ws, data)
    assert target.parts[-2:] == ("nnUNet_raw", "Dataset003_Y")
    assert (target / "imagesTr" / "a_0000.nii.gz").read_bytes() == b"img"
    assert (data / "imagesTr" / "a_0000.nii.gz").is_file()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    target = backup_path(ws, outside)
    assert target.parent.parent == ws.results / "nnFT" / "backups"
    assert target.name == "elsewhere.txt"


# -- machine -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("cores", "expected"), [(0, 1), (1, 1), (2, 2), (7, 7), (8, 8),
                                                 (64, 8)])
def test_preprocessing_workers_cores(cores: int, expected: int) -> None:
    assert machine.preprocessing_workers(None, cores=cores, memory_bytes=64 * GiB) == expected
    assert machine.preprocessing_workers(10**6, cores=cores, memory_bytes=0) == expected


@pytest.mark.parametrize(("memory", "channels", "expected"), [
    (8 * GiB, 1, 1),     # one 512x512x500 CT case needs ~6.8 GB per worker
    (40 * GiB, 1, 4),
    (40 * GiB, 2, 2),
    (100 * GiB, 1, 8),   # capped by nnU-Net's default
    (1 * GiB, 4, 1),     # never below one worker
])
def test_preprocessing_workers_memory(memory: int, channels: int, expected: int) -> None:
    voxels = 512 * 512 * 500
    assert machine.preprocessing_workers(voxels, channels, cores=16,
                                         memory_bytes=memory) == expected


def test_preprocessing_workers_upper() -> None:
    assert machine.preprocessing_workers(None, cores=16, memory_bytes=GiB, upper=3) == 3


@settings(max_examples=200, deadline=None)
@given(voxels=st.none() | st.integers(1, 2 * 10**9), channels=st.integers(1, 8),
       cores=st.integers(1, 256), memory=st.integers(0, 2**40), upper=st.integers(1, 16))
def test_preprocessing_workers_bounds(voxels, channels, cores, memory, upper) -> None:
    workers = machine.preprocessing_workers(voxels, channels, cores=cores, memory_bytes=memory,
                                            upper=upper)
    assert 1 <= workers <= min(cores, upper)
    if voxels and memory and workers > 1:
        per_worker = voxels * channels * 4 * 12 + 512 * 1024**2
        assert workers * per_worker <= 0.7 * memory
    more = machine.preprocessing_workers(voxels, channels, cores=cores, memory_bytes=memory * 2,
                                         upper=upper)
    assert more >= workers or not memory


@pytest.mark.parametrize(("device", "cores", "expected"), [
    ("cpu", 1, 0), ("cpu", 2, 0), ("cpu", 4, 0), ("cpu", 8, 2), ("cpu", 16, 4),
    ("mps", 8, 2), ("cuda", 1, 1), ("cuda", 2, 1), ("cuda", 8, 7), ("cuda", 16, 12),
    ("cuda", 128, 12),
])
def test_augmentation_workers(device: str, cores: int, expected: int) -> None:
    assert machine.augmentation_workers(device, cores=cores) == expected


def test_this_machine() -> None:
    assert machine.cpu_count() >= 1
    memory = machine.available_memory_bytes()
    assert memory is None or memory > 0
    assert 1 <= machine.preprocessing_workers(None) <= 8


class _Completed:
    def __init__(self, stdout: str) -> None:
        self.stdout = stdout


def test_detect_cuda_gpus_parses_nvidia_smi(monkeypatch) -> None:
    calls = []

    def run(argv, **kwargs):
        calls.append(argv)
        return _Completed("0, NVIDIA H100 80GB HBM3, 81559\n1, Tesla T4, 15360.0\n"
                          "garbage line\nx, y, z\n")

    monkeypatch.setattr(machine.shutil, "which", lambda name: "/fake/bin/nvidia-smi")
    monkeypatch.setattr(machine.subprocess, "run", run)
    gpus = machine.detect_cuda_gpus()
    assert gpus == [machine.GpuInfo(0, "NVIDIA H100 80GB HBM3", 81559),
                    machine.GpuInfo(1, "Tesla T4", 15360)]
    assert calls[0][0] == "/fake/bin/nvidia-smi"
    assert machine.default_device() == "cuda"


@pytest.mark.parametrize("failure", [OSError("no exec"), subprocess.TimeoutExpired("x", 5)])
def test_detect_cuda_gpus_failures(monkeypatch, failure) -> None:
    def run(argv, **kwargs):
        raise failure

    monkeypatch.setattr(machine.shutil, "which", lambda name: "/fake/bin/nvidia-smi")
    monkeypatch.setattr(machine.subprocess, "run", run)
    assert machine.detect_cuda_gpus() == []


def test_no_nvidia_smi_means_no_gpu(monkeypatch) -> None:
    monkeypatch.setattr(machine.shutil, "which", lambda name: None)
    monkeypatch.setattr(machine, "mps_available", lambda: False)
    assert machine.detect_cuda_gpus() == []
    assert machine.default_device() == "cpu"
