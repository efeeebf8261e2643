"""The training pages' GPU strip: NVML is read in a worker thread every 2 s while it is shown;
the real absent path (no driver here) is one grey line; recorded readings show the live line,
the memory bar and the memory warning."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from nnft.core.gpu_monitor import GpuSampler, GpuUnavailable
from nnft.gui.widgets.gpu_strip import SAMPLE_INTERVAL_MS, GpuStrip

_probe = GpuSampler()
NO_GPU_HERE = isinstance(_probe.sample(), GpuUnavailable)
_probe.close()


def _shown_strip(qtbot, state, **kwargs) -> GpuStrip:
    strip = GpuStrip(state, **kwargs)
    qtbot.addWidget(strip)
    strip.show()  # starts sampling
    qtbot.waitUntil(lambda: strip.line.isVisible(), timeout=10000)
    return strip


@pytest.mark.skipif(not NO_GPU_HERE, reason="this machine has an NVIDIA driver and GPU")
def test_training_page_without_gpu_shows_one_grey_line(qtbot, quick_state) -> None:
    from nnft.gui.pages.training_page import TrainingPage

    page = TrainingPage(quick_state, "pretrain")  # device cpu, the real NVML: no driver
    qtbot.addWidget(page)
    strip = page.findChild(QWidget, "gpuStrip")
    assert isinstance(strip, GpuStrip) and not strip.line.isVisible()
    page.show()
    qtbot.waitUntil(lambda: strip.line.isVisible(), timeout=10000)
    assert strip.text.text() == "No NVIDIA GPU: training on the CPU"
    assert "#666" in strip.text.styleSheet()
    assert not strip.memory_bar.isVisible() and not strip.warning.isVisible()
    assert not strip.timer.isActive()  # nothing to ask again
    page.hide()
    assert not strip.timer.isActive()


@pytest.mark.skipif(not NO_GPU_HERE, reason="this machine has an NVIDIA driver and GPU")
def test_cuda_without_driver_says_why_once(qtbot, quick_state) -> None:
    quick_state.with_options(device="cuda")
    strip = _shown_strip(qtbot, quick_state)
    assert strip.text.text() == ("No GPU readings (no NVIDIA driver: the NVML library "
                                 "(libnvidia-ml) was not found)")
    assert not strip.timer.isActive() and not strip.memory_bar.isVisible()


def test_live_readings_off_the_gui_thread(qtbot, quick_state, demo, recorded_nvml) -> None:
    quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
    quick_state.with_options(device="cuda")
    nvml = recorded_nvml()
    strip = _shown_strip(qtbot, quick_state, sampler=GpuSampler(nvml=nvml, environment={}))
    assert strip.timer.interval() == SAMPLE_INTERVAL_MS == 2000
    assert strip.text.text() == "GPU 0 NVIDIA H200 · 0 % · 0.5/140.4 GiB · 34 °C"
    assert strip.memory_bar.isVisible() and strip.memory_bar.value() == 0
    assert not strip.warning.isVisible()  # 140 GiB free: the 8 GB of nnUNetPlans fit
    assert strip.status is not None and strip.status.need is not None
    strip.timer.setInterval(20)  # the next ticks without waiting 2 s each
    qtbot.waitUntil(lambda: "87 %" in strip.text.text(), timeout=10000)
    assert strip.text.text() == "GPU 0 NVIDIA H200 · 87 % · 40.1/140.4 GiB · 61 °C"
    assert strip.memory_bar.value() == 29
    assert nvml.calls and not any(on_main for _, on_main in nvml.calls), \
        "NVML was read on the GUI thread"
    assert [name for name, _ in nvml.calls].count("nvmlInit") == 1
    strip.hide()
    assert not strip.timer.isActive()


def test_memory_warning_before_a_training_only(qtbot, quick_state, demo, recorded_nvml) -> None:
    quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
    quick_state.with_options(device="cuda")
    rtx = {"CUDA_VISIBLE_DEVICES": "1"}  # 3 GiB of 12 free; nnUNetPlans want about 8 GB
    strip = _shown_strip(qtbot, quick_state, sampler=GpuSampler(nvml=recorded_nvml(),
                                                                environment=rtx))
    assert strip.text.text().startswith("GPU 1 NVIDIA GeForce RTX 3060 · 64 % · 9.0/12.0 GiB")
    assert strip.warning.isVisible()
    assert strip.warning.text() == (
        "⚠ Only 3.0 GiB of GPU memory are free, but these plans (nnUNetPlans, ExperimentPlanner) "
        "were sized for about 8 GB: the training may run out of memory. Free the GPU or choose "
        "one with more memory.")
    # While the page's training runs, its own memory fills the GPU: no warning.
    running = _shown_strip(qtbot, quick_state, training_active=lambda: True,
                           sampler=GpuSampler(nvml=recorded_nvml(), environment=rtx))
    assert running.text.text() == strip.text.text() and not running.warning.isVisible()


def test_cpu_training_with_a_gpu_there_names_it_unused(qtbot, quick_state,
                                                        recorded_nvml) -> None:
    strip = _shown_strip(qtbot, quick_state,  # device cpu
                         sampler=GpuSampler(nvml=recorded_nvml(), environment={}))
    assert strip.text.text() == ("Training on the CPU; GPU 0 NVIDIA H200 is not used (the "
                                 "device is chosen on the Workspace page)")
    assert not strip.memory_bar.isVisible() and not strip.timer.isActive()
