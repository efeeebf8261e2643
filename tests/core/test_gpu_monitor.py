"""The GPU monitor (nnft.core.gpu_monitor): the real absent path (no NVIDIA driver on the test
machines), and sampling, formatting and the memory check with recorded NVML readings
(``recorded_nvml``: an object in place of the pynvml module, passed as a parameter)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnft.core import gpu_monitor as G
from nnft.core import machine
from nnft.core import problems as P
from nnft.core.checks import preflight
from nnft.core.problems import Severity

H200_TOTAL_MIB = 143771.0  # what nvidia-smi lists for an H200; the recording's total

_real = G.GpuSampler()
_real_reading = _real.sample()
_real.close()
NO_GPU_HERE = isinstance(_real_reading, G.GpuUnavailable)


@pytest.mark.skipif(not NO_GPU_HERE, reason="this machine has an NVIDIA driver and GPU")
def test_no_driver_is_one_quiet_reason_and_no_exception() -> None:
    sampler = G.GpuSampler()  # the real pynvml, the real (absent) libnvidia-ml
    first, second = sampler.sample(), sampler.sample()
    assert isinstance(first, G.GpuUnavailable) and first == second
    assert "no NVIDIA driver" in first.reason and "\n" not in first.reason
    assert sampler.unavailable_reason == first.reason
    assert G.format_unavailable(first) == f"no GPU readings ({first.reason})"
    sampler.close()


def test_samples_follow_the_recording_and_init_once(recorded_nvml) -> None:
    nvml = recorded_nvml()
    times = iter([100.0, 102.0, 104.0])
    sampler = G.GpuSampler(nvml=nvml, environment={}, clock=lambda: next(times))
    idle, training, later = sampler.sample(), sampler.sample(), sampler.sample()
    assert idle == G.GpuSample(index=0, name="NVIDIA H200", utilization_percent=0,
                               memory_used_mib=560988160 / 2**20,
                               memory_total_mib=H200_TOTAL_MIB,
                               memory_free_mib=150193831936 / 2**20, temperature_c=34,
                               time=100.0)
    assert (training.utilization_percent, training.temperature_c, training.time) == (87, 61, 102.0)
    assert (later.utilization_percent, later.temperature_c) == (91, 63)
    assert G.format_sample(training) == "GPU 0 NVIDIA H200 · 87 % · 40.1/140.4 GiB · 61 °C"
    assert G.format_columns(training) == "GPU0  87 %  40.1/140.4 GiB  61 °C"
    assert [name for name, _ in nvml.calls].count("nvmlInit") == 1
    sampler.close()
    assert nvml.calls[-1][0] == "nvmlShutdown"


@pytest.mark.parametrize(("code", "needle"), [
    (12, "no NVIDIA driver: the NVML library (libnvidia-ml) was not found"),
    (9, "the NVIDIA driver is not loaded"),
])
def test_nvml_that_cannot_start_is_asked_once(recorded_nvml, code: int, needle: str) -> None:
    nvml = recorded_nvml(init_error=code)
    sampler = G.GpuSampler(nvml=nvml, environment={})
    assert sampler.sample() == G.GpuUnavailable(needle) == sampler.sample()
    assert [name for name, _ in nvml.calls] == ["nvmlInit"]


@pytest.mark.parametrize(("visible", "device_index", "expected"), [
    ("1", 0, (1, "NVIDIA GeForce RTX 3060")),
    ("1,0", 1, (0, "NVIDIA H200")),
    ("GPU-1b2d3c4e", 0, (1, "NVIDIA GeForce RTX 3060")),  # CUDA takes a leading part
    ("GPU-8c3f1a52-6e0b-4d7e-9a41-2f7d5b0c9e13", 0, (0, "NVIDIA H200")),
])
def test_cuda_visible_devices_picks_the_trainings_gpu(recorded_nvml, visible: str,
                                                     device_index: int, expected) -> None:
    sampler = G.GpuSampler(device_index, nvml=recorded_nvml(start=1),
                           environment={"CUDA_VISIBLE_DEVICES": visible})
    sample = sampler.sample()
    assert isinstance(sample, G.GpuSample)
    assert (sample.index, sample.name) == expected


@pytest.mark.parametrize(("visible", "needle"), [
    ("", "CUDA_VISIBLE_DEVICES='' leaves no GPU cuda:0 visible"),
    ("-1", "CUDA_VISIBLE_DEVICES='-1' leaves no GPU cuda:0 visible"),
    ("7", "GPU 7: NVML error: Not Found"),
    ("GPU-ffff", "GPU GPU-ffff: NVML error: Not Found"),
])
def test_hidden_or_missing_gpu_is_unavailable(recorded_nvml, visible: str, needle: str) -> None:
    reading = G.GpuSampler(nvml=recorded_nvml(),
                           environment={"CUDA_VISIBLE_DEVICES": visible}).sample()
    assert reading == G.GpuUnavailable(needle)


def test_what_a_gpu_does_not_report_is_left_out(recorded_nvml) -> None:
    """MIG instances report no utilisation (and some boards no temperature)."""
    nvml = recorded_nvml(start=1, unsupported=("utilization", "temperature"))
    sample = G.GpuSampler(nvml=nvml, environment={}).sample()
    assert isinstance(sample, G.GpuSample)
    assert G.format_sample(sample) == "GPU 0 NVIDIA H200 · 40.1/140.4 GiB"
    assert G.format_columns(sample) == "GPU0   - %  40.1/140.4 GiB  - °C"


@pytest.mark.parametrize(("planner", "identifier", "gigabytes"), [
    ("ExperimentPlanner", "nnUNetPlans", 8),
    ("nnUNetPlannerResEncM", "nnUNetResEncUNetMPlans", 9),
    ("nnUNetPlannerResEncL", "nnUNetResEncUNetLPlans", 24),
    ("nnUNetPlannerResEncXL", "nnUNetResEncUNetXLPlans", 40),
])
def test_memory_need_from_the_planner_or_the_identifier(planner: str, identifier: str,
                                                        gigabytes: float) -> None:
    # The transfer keeps experiment_planner_used under the new identifier.
    need = G.memory_need({"experiment_planner_used": planner}, "MyPlans", "3d_fullres")
    assert need == G.MemoryNeed(gigabytes, planner, "MyPlans", "3d_fullres")
    # No plans file yet: the preset's identifier (and nnFT's names built on it) tell.
    by_name = G.memory_need(None, identifier + "_pretrain_for_Dataset002", "2d")
    assert by_name is not None and (by_name.gigabytes, by_name.planner) == (gigabytes, planner)


def test_unknown_planner_has_no_need() -> None:
    assert G.memory_need({"experiment_planner_used": "MyPlanner"}, "nnUNetPlans", "2d") is None
    assert G.memory_need(None, "SomePlans", "2d") is None


def test_memory_problem_names_gpu_need_and_fix(recorded_nvml) -> None:
    rtx = G.GpuSampler(nvml=recorded_nvml(), environment={"CUDA_VISIBLE_DEVICES": "1"}).sample()
    assert isinstance(rtx, G.GpuSample)
    problem = G.memory_problem(G.MemoryNeed(24, "nnUNetPlannerResEncL", "MyPlans",
                                            "3d_fullres"), rtx)
    assert problem is not None and problem.severity is Severity.WARNING
    assert problem.code == P.GPU_MEMORY_LOW
    for needle in ("GPU 1 (NVIDIA GeForce RTX 3060)", "3.0 GiB of 12.0 GiB free",
                   "'3d_fullres'", "'MyPlans'", "nnUNetPlannerResEncL", "about 24 GB"):
        assert needle in problem.message
    assert "nnUNetPlannerResEncM" in problem.fix and "CUDA_VISIBLE_DEVICES" in problem.fix
    # The idle H200 holds any preset.
    h200 = G.GpuSampler(nvml=recorded_nvml(), environment={}).sample()
    assert isinstance(h200, G.GpuSample)
    assert G.memory_problem(G.MemoryNeed(40, "nnUNetPlannerResEncXL", "X", "2d"), h200) is None


def test_preflight_reads_the_planner_from_the_plans_file(demo, recorded_nvml, monkeypatch,
                                                         plans_factory) -> None:
    """The fine-tuning plans' experiment_planner_used decides (not their identifier)."""
    monkeypatch.setattr(machine, "detect_cuda_gpus",
                        lambda *a, **k: [machine.GpuInfo(0, "NVIDIA H200", 143771)])
    plans = plans_factory("Dataset002_DemoFinetune", "nnUNetPlans")
    plans["experiment_planner_used"] = "nnUNetPlannerResEncXL"
    (demo.finetune_pre / "nnUNetPlans.json").parent.mkdir(parents=True, exist_ok=True)
    (demo.finetune_pre / "nnUNetPlans.json").write_text(json.dumps(plans), encoding="utf-8")
    nvml = recorded_nvml(start=1)  # the H200 during another training: 100.3 GiB free
    busy = preflight(demo.workspace, 1, 2, demo.options(device="cuda"),
                     gpu_sampler=G.GpuSampler(nvml=nvml, environment={}), check_weights=False)
    assert [p.code for p in busy.problems].count(P.GPU_MEMORY_LOW) == 0  # 100 GiB > 40 GB
    nvml_rtx = recorded_nvml()
    low = preflight(demo.workspace, 1, 2, demo.options(device="cuda"), check_weights=False,
                    gpu_sampler=G.GpuSampler(nvml=nvml_rtx,
                                             environment={"CUDA_VISIBLE_DEVICES": "1"}))
    found = [p for p in low.problems if p.code == P.GPU_MEMORY_LOW]
    assert len(found) == 1 and "nnUNetPlannerResEncXL" in found[0].message
    assert "about 40 GB" in found[0].message


def test_no_memory_check_off_cuda(demo, recorded_nvml) -> None:
    nvml = recorded_nvml()
    result = preflight(demo.workspace, 1, 2, demo.options(device="cpu"), check_weights=False,
                       gpu_sampler=G.GpuSampler(nvml=nvml, environment={}))
    assert P.GPU_MEMORY_LOW not in result.codes()
    assert nvml.calls == []  # the GPU was not even asked


def test_monitor_samples_the_gpu_its_training_sees(recorded_nvml, processes) -> None:
    """A training started elsewhere: its CUDA_VISIBLE_DEVICES (from /proc) and its -device."""
    import os
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                             env={**os.environ, "CUDA_VISIBLE_DEVICES": "1"})
    processes.append(child)
    environment = G.process_environment(child.pid)
    if environment is None:
        pytest.skip("no /proc here")
    assert environment["CUDA_VISIBLE_DEVICES"] == "1"
    assert G.process_environment(2**22 + 12345) is None  # no such process
    columns = G.MonitorGpuColumns(G.GpuSampler(nvml=recorded_nvml(), environment={}))
    assert columns.start_line() == "GPU: GPU 0 NVIDIA H200 · 0 % · 0.5/140.4 GiB · 34 °C"
    train = ["nnUNetv2_train", "2", "2d", "0", "-device", "cuda"]
    assert columns.follow_process(child.pid, train) == (
        "GPU: the training's (CUDA_VISIBLE_DEVICES=1): GPU 1 NVIDIA GeForce RTX 3060 · 64 % · "
        "9.0/12.0 GiB · 71 °C")
    assert columns.follow_process(child.pid, train) is None  # said once
    assert columns.columns() == "  GPU1  64 %  9.0/12.0 GiB  71 °C"
    on_cpu = G.MonitorGpuColumns(G.GpuSampler(nvml=recorded_nvml(), environment={}))
    assert on_cpu.follow_process(child.pid, [*train[:-1], "cpu"]) == \
        "GPU: the training runs on cpu: no GPU columns"
    assert on_cpu.columns() == ""


# -- nnft monitor --follow ---------------------------------------------------------------------
REAL_LOG = Path(__file__).parent / "data" / "real" / "finetune_2d_quicktrial_training_log.txt"


def _fold(tmp_path, lines: list[str]):
    """A fold folder in nnU-Net's layout whose log holds ``lines`` of a real training log."""
    fold = (tmp_path / "nnUNet_results" / "Dataset002_DemoFinetune"
            / "nnFTTrainerQuickTrial__nnUNetPlans__2d" / "fold_0")
    fold.mkdir(parents=True)
    (fold / "training_log_2026_11_27_23_45_07.txt").write_text("".join(lines), encoding="utf-8")
    return fold


def _finish(fold) -> None:
    """What nnU-Net leaves at the end: the final checkpoint and the validation summary."""
    (fold / "checkpoint_final.pth").write_bytes(b"legacy torch pickle, not a zip")
    (fold / "validation").mkdir()
    (fold / "validation" / "summary.json").write_text("{}", encoding="utf-8")


@pytest.mark.skipif(not NO_GPU_HERE, reason="this machine has an NVIDIA driver and GPU")
def test_monitor_without_gpu_says_one_quiet_line(tmp_path, capsys) -> None:
    """The real absent path: one line more than without --follow, nothing else changes."""
    from nnft.core.cli import main

    fold = _fold(tmp_path, REAL_LOG.read_text(encoding="utf-8").splitlines(keepends=True))
    _finish(fold)
    assert main(["monitor", str(fold)]) == 0
    read = capsys.readouterr().out.splitlines()
    assert main(["monitor", str(fold), "--follow"]) == 0
    followed = capsys.readouterr().out.splitlines()
    gpu_lines = [line for line in followed if "GPU" in line]
    assert gpu_lines == ["  GPU: no GPU readings (no NVIDIA driver: the NVML library "
                         "(libnvidia-ml) was not found)"]
    assert [line for line in followed if line not in gpu_lines][1:] == read[1:]
    assert sum(line.startswith("epoch ") for line in read) == 2


def test_monitor_follow_adds_gpu_columns_to_new_epochs(tmp_path, capsys, recorded_nvml) -> None:
    import argparse
    import threading

    from nnft.core.cli import cmd_monitor

    lines = REAL_LOG.read_text(encoding="utf-8").splitlines(keepends=True)
    first_epoch_done = next(i for i, line in enumerate(lines) if "Epoch 1" in line)
    fold = _fold(tmp_path, lines[:first_epoch_done])
    args = argparse.Namespace(fold_dir=str(fold), follow=True, interval=0.02)
    sampler = G.GpuSampler(nvml=recorded_nvml(), environment={})
    outcome: list[int] = []
    monitor = threading.Thread(target=lambda: outcome.append(cmd_monitor(args, sampler)))
    monitor.start()
    out = ""

    def wait_for(text: str) -> None:
        nonlocal out
        for _ in range(1000):
            out += capsys.readouterr().out
            if text in out:
                return
            threading.Event().wait(0.01)
        raise AssertionError(f"{text!r} never printed:\n{out}")

    try:
        # At a line's start: the header's note "… its 'Epoch 0' is epoch 1" must not count.
        wait_for("\nepoch 1 ")
        with open(fold / "training_log_2026_11_27_23_45_07.txt", "a", encoding="utf-8") as log:
            log.writelines(lines[first_epoch_done:])
        wait_for("\nepoch 2 ")
        _finish(fold)
        wait_for("Training finished")
    finally:
        if not (fold / "checkpoint_final.pth").exists():
            _finish(fold)  # lets the monitor end when an assertion above failed
        monitor.join(30)
    assert outcome == [0]
    printed = out.splitlines()
    assert "  GPU: GPU 0 NVIDIA H200 · 0 % · 0.5/140.4 GiB · 34 °C" in printed
    epochs = [line for line in printed if line.startswith("epoch ")]
    assert len(epochs) == 2
    assert "GPU" not in epochs[0]  # logged before following began: no reading of its time
    assert epochs[1].endswith("  GPU0  87 %  40.1/140.4 GiB  61 °C")


def test_the_wizards_preflight_never_reads_nvml(demo, monkeypatch) -> None:
    """The wizard's preflight runs on the GUI thread: its GPU strip reads NVML instead."""
    from nnft.core import checks
    from nnft.core.wizard_state import WizardState

    def on_the_gui_thread(*_args, **_kwargs):
        raise AssertionError("the wizard's preflight read the GPU")

    monkeypatch.setattr(checks, "gpu_memory_problems", on_the_gui_thread)
    monkeypatch.setattr(machine, "detect_cuda_gpus",
                        lambda *a, **k: [machine.GpuInfo(0, "NVIDIA H200", 143771)])
    state = WizardState(workspace=demo.workspace, pretrain="1", finetune="2",
                        options=demo.options(device="cuda"), check_device=True)
    assert state.run_preflight().context is not None
    with pytest.raises(AssertionError, match="read the GPU"):  # the CLI's preflight does
        preflight(demo.workspace, 1, 2, demo.options(device="cuda"), check_weights=False)
