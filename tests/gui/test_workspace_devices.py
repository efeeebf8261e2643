"""The workspace page looks for GPUs (nvidia-smi) in a worker thread: the window never waits."""

from __future__ import annotations

import threading
import time

from nnft.core.machine import GpuInfo
from nnft.gui.pages import workspace_page


def test_gpus_are_found_off_the_gui_thread(qtbot, quick_state, monkeypatch) -> None:
    release = threading.Event()
    calls = []

    def slow_nvidia_smi(*_args, **_kwargs):
        calls.append(threading.current_thread() is threading.main_thread())
        release.wait(10)  # nvidia-smi on a busy machine
        return [GpuInfo(0, "NVIDIA H200", 143771)]

    monkeypatch.setattr(workspace_page, "detect_cuda_gpus", slow_nvidia_smi)
    quick_state.with_options(device="cuda")  # e.g. restored from the last session
    quick_state.check_device = True
    started = time.perf_counter()
    page = workspace_page.WorkspacePage(quick_state)
    qtbot.addWidget(page)
    assert time.perf_counter() - started < 2, "the page must not wait for nvidia-smi"
    qtbot.waitUntil(lambda: bool(calls))
    assert calls == [False], "nvidia-smi ran on the GUI thread"
    # While looking: a placeholder, not a guess; the restored device stays; Next waits.
    assert not page.device_combo.isEnabled()
    assert page.device_combo.currentData() is None
    assert "Looking for NVIDIA GPUs" in page.device_combo.currentText()
    assert quick_state.options.device == "cuda"
    assert not page.isComplete()
    release.set()
    qtbot.waitUntil(lambda: page.gpus is not None)
    assert page.device_combo.isEnabled()
    assert page.device_combo.currentText().startswith("GPU 0: NVIDIA H200 (140 GB)")
    assert [page.device_combo.itemData(i) for i in range(page.device_combo.count())][-1] == "cpu"
    assert quick_state.options.device == "cuda"
    # The list offers only what exists, so the preflight need not run nvidia-smi again.
    assert quick_state.check_device is False
    assert page.isComplete()


def test_no_gpu_falls_back_to_the_cpu(qtbot, quick_state, monkeypatch) -> None:
    monkeypatch.setattr(workspace_page, "detect_cuda_gpus", lambda *a, **k: [])
    quick_state.with_options(device="cuda")
    page = workspace_page.WorkspacePage(quick_state)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.gpus is not None)
    assert page.device_combo.currentData() == "cpu"
    assert quick_state.options.device == "cpu"


def test_demo_workspace_is_written_off_the_gui_thread(qtbot, quick_state, monkeypatch,
                                                      tmp_path) -> None:
    from nnft.core import demo as demo_module

    monkeypatch.setattr(workspace_page, "detect_cuda_gpus", lambda *a, **k: [])
    monkeypatch.setattr(workspace_page.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(tmp_path))
    threads = []
    real = demo_module.write_demo_workspace

    def recording(target):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(target)

    monkeypatch.setattr(demo_module, "write_demo_workspace", recording)
    page = workspace_page.WorkspacePage(quick_state)
    qtbot.addWidget(page)
    page.demo_button.click()
    assert page.demo_button.text() == "Creating…" and not page.demo_button.isEnabled()
    qtbot.waitUntil(lambda: page.demo_button.isEnabled(), timeout=30000)
    assert threads == [False]
    assert page.edits["nnUNet_raw"].text() == str(tmp_path / "nnft-demo" / "nnUNet_raw")
    assert quick_state.pretrain == "Dataset001_DemoPretrain"
    # A second demo into the same place is refused with a message; nothing is overwritten.
    warnings = []
    monkeypatch.setattr(workspace_page.QMessageBox, "warning",
                        lambda *args: warnings.append(args[2]))
    page.demo_button.click()
    qtbot.waitUntil(lambda: bool(warnings), timeout=30000)
    assert "nnft-demo" in warnings[0] and page.demo_button.isEnabled()


def test_overview_and_diagram_number_steps_like_the_registry(qtbot, quick_state, monkeypatch):
    from nnft.core.steps import STEP_KEYS, step_number
    from nnft.gui.widgets.direction_diagram import DirectionDiagram

    monkeypatch.setattr(workspace_page, "detect_cuda_gpus", lambda *a, **k: [])
    page = workspace_page.WorkspacePage(quick_state)
    qtbot.addWidget(page)
    assert list(page.overview_texts()) == list(STEP_KEYS), "every registered step needs a text"
    assert page.overview.text().count("<li>") == len(STEP_KEYS)
    diagram = DirectionDiagram()
    qtbot.addWidget(diagram)
    diagram.set_datasets("Dataset001_A", "Dataset002_B")
    assert f"step {step_number('transfer_plans')}: move_plans -s 2 -t 1" in diagram.plans_label()
    assert f"step {step_number('finetune')}: nnUNetv2_train 2" in diagram.weights_label()
    assert step_number("finetune") == 7  # the diagram used to say "step 5"
