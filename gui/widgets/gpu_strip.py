"""A one-line live view of the training's GPU on the training pages.

The GPU is read through NVML (:mod:`nnft.core.gpu_monitor`) every 2 s while the strip is on
screen, always in a worker thread (:class:`~nnft.gui.background.BackgroundTasks`): NVML calls
are quick, but a driver that hangs must never freeze the window. Without an NVIDIA GPU (or its
driver) the strip is one grey line and asks NVML nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from nnft.core.gpu_monitor import (
    GpuSample,
    GpuSampler,
    GpuStatus,
    GpuUnavailable,
    format_sample,
    gpu_status,
)
from nnft.core.wizard_state import WizardState
from nnft.gui.background import REFUSE, BackgroundTasks, TaskHandle

#: How often the GPU is read while the strip is shown (ms).
SAMPLE_INTERVAL_MS = 2000
_GREY = "color: #666"
_WARNING = "color: #8a5a00"


class GpuStrip(QWidget):
    """The training's GPU: name, utilisation, memory used/total (text and bar), temperature;
    a warning when its free memory is below what the plans need, before a training starts.

    Parameters
    ----------
    state
        The wizard's state: the chosen device, and the chain whose plans set the need.
    training_active
        True while a training of the page runs (its own memory then fills the GPU: no
        warning).
    sampler
        Reads the GPU (NVML, the wizard's ``CUDA_VISIBLE_DEVICES``, which the trainings it
        starts inherit). Tests and screenshots put recorded readings here.
    """

    def __init__(self, state: WizardState, training_active: Callable[[], bool] = lambda: False,
                 sampler: GpuSampler | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gpuStrip")
        self.state = state
        self.training_active = training_active
        self.sampler = sampler or GpuSampler()
        self.status: GpuStatus | None = None  # the last reading shown
        self.background = BackgroundTasks(self, max_workers=1, name="nnft-gpu")
        self.text = QLabel()
        self.text.setObjectName("gpuStripText")
        self.memory_bar = QProgressBar()
        self.memory_bar.setObjectName("gpuMemoryBar")
        self.memory_bar.setRange(0, 100)
        self.memory_bar.setTextVisible(False)
        self.memory_bar.setFixedSize(120, 10)
        self.memory_bar.setToolTip(self.tr("GPU memory in use"))
        self.warning = QLabel()
        self.warning.setObjectName("gpuMemoryWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(_WARNING)
        # The reading's line; hidden (the strip takes no room) until the first reading is back.
        self.line = QWidget()
        row = QHBoxLayout(self.line)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text)
        row.addWidget(self.memory_bar)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.warning)
        self.line.hide()
        self.warning.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(SAMPLE_INTERVAL_MS)
        self.timer.timeout.connect(self.sample_now)

    # -- sampling (the GUI thread only hands over; the worker reads NVML and the plans) -------
    def start(self) -> None:
        """Read now and every 2 s (from when the strip is shown until it is hidden)."""
        if not self.timer.isActive():
            self.timer.start()
        self.sample_now()

    def stop(self) -> None:
        self.timer.stop()

    def sample_now(self) -> TaskHandle | None:
        """Ask for one reading in the worker thread; a tick while the last one is still being
        read is skipped (None)."""
        device = self.state.options.device
        # The need matters before a training only: a running one holds the memory itself.
        ctx = self.state.context() if device == "cuda" and not self.training_active() else None
        return self.background.submit(gpu_status, self.sampler, ctx, on_done=self.show_status,
                                      key="gpu", when_busy=REFUSE)

    # -- showing ---------------------------------------------------------------------------------
    def show_status(self, status: GpuStatus) -> None:
        """Show one reading (GUI thread)."""
        self.status = status
        device = self.state.options.device
        reading = status.reading
        sample = reading if isinstance(reading, GpuSample) else None
        self.memory_bar.setVisible(sample is not None and device == "cuda")
        self.warning.hide()
        if device != "cuda":
            # Nothing changes while the device stays: no need to keep asking NVML.
            self.timer.stop()
            if sample is None:
                text = (self.tr("No NVIDIA GPU: training on the Apple GPU (MPS)")
                        if device == "mps" else self.tr("No NVIDIA GPU: training on the CPU"))
            elif device == "mps":
                text = self.tr("Training on the Apple GPU (MPS); GPU {0} {1} is not used").format(
                    sample.index, sample.name)
            else:
                text = self.tr("Training on the CPU; GPU {0} {1} is not used (the device is "
                               "chosen on the Workspace page)").format(sample.index, sample.name)
            self._grey(text)
        elif sample is None:
            assert isinstance(reading, GpuUnavailable)
            self.timer.stop()  # no driver: asking again every 2 s would only repeat this
            self._grey(self.tr("No GPU readings ({0})").format(reading.reason))
        else:
            self.text.setStyleSheet("")
            self.text.setText(format_sample(sample))
            self.memory_bar.setValue(round(100 * sample.memory_used_mib
                                           / max(1.0, sample.memory_total_mib)))
            if status.memory_low and status.need is not None:
                need = status.need
                self.warning.setText(self.tr(
                    "⚠ Only {0:.1f} GiB of GPU memory are free, but these plans ({1}, {2}) were "
                    "sized for about {3:g} GB: the training may run out of memory. Free the GPU "
                    "or choose one with more memory.").format(
                    sample.memory_free_mib / 1024, need.plans_name, need.planner,
                    need.gigabytes))
                self.warning.show()
        self.line.show()

    def _grey(self, text: str) -> None:
        self.text.setStyleSheet(_GREY)
        self.text.setText(text)

    # -- Qt: sampling only while on screen (the current training page's strip) ----------------
    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        self.start()

    def hideEvent(self, event) -> None:  # Qt override
        super().hideEvent(event)
        self.stop()
