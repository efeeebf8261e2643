"""Page 1: the nnU-Net folders and the device."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core.machine import GpuInfo, detect_cuda_gpus, mps_available
from nnft.core.steps import MODEL_STEPS, PREPARE, STEPS
from nnft.core.wizard_state import WizardState, next_page_available
from nnft.core.workspace import Workspace
from nnft.gui.background import BackgroundTasks
from nnft.gui.widgets.problems_view import ProblemsView

GPU_TASK, DEMO_TASK = "gpus", "demo"

if TYPE_CHECKING:
    from nnft.core.demo import DemoWorkspace


def _write_demo(target: Path) -> DemoWorkspace:
    """Write the demo workspace (in a worker thread)."""
    # Lazy: numpy and SimpleITK cost ~0.2 s of the window's start-up otherwise.
    from nnft.core.demo import write_demo_workspace

    return write_demo_workspace(target)


class WorkspacePage(QWizardPage):
    """The three folders (from the environment, the last session, or chosen), and the device."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("workspacePage")
        self.setTitle(self.tr("Workspace"))
        self.setSubTitle(self.tr("Where nnU-Net keeps raw data, preprocessed data and results, "
                                 "and where training runs."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for variable, label in (("nnUNet_raw", self.tr("Raw data (nnUNet_raw)")),
                                ("nnUNet_preprocessed",
                                 self.tr("Preprocessed (nnUNet_preprocessed)")),
                                ("nnUNet_results", self.tr("Results (nnUNet_results)"))):
            edit = QLineEdit()
            edit.setObjectName(f"{variable}Edit")
            edit.setPlaceholderText(self.tr("Folder for {0}").format(variable))
            edit.textChanged.connect(self._on_folders_changed)
            browse = QPushButton(self.tr("Browse…"))
            browse.setObjectName(f"{variable}Browse")
            browse.clicked.connect(lambda _=False, e=edit: self._browse(e))
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
            self.edits[variable] = edit
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.root_button = QPushButton(self.tr("Use one folder for all three…"))
        self.root_button.setObjectName("workspaceRootButton")
        self.root_button.setToolTip(self.tr("Choose a folder; nnFT uses its nnUNet_raw, "
                                            "nnUNet_preprocessed and nnUNet_results subfolders."))
        self.root_button.clicked.connect(self._choose_root)
        self.demo_button = QPushButton(self.tr("Create demo workspace"))
        self.demo_button.setObjectName("createDemoButton")
        self.demo_button.setToolTip(self.tr("Two small synthetic CT datasets: the whole chain "
                                            "runs on a CPU in a few minutes."))
        self.demo_button.clicked.connect(self._create_demo)
        buttons.addWidget(self.root_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        device_row = QFormLayout()
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        # nvidia-smi can take a second: the GPUs are looked for in a worker thread.
        self.background = BackgroundTasks(self)
        self.gpus: list[GpuInfo] | None = None  # None while looking
        self._fill_devices()
        self.device_combo.currentIndexChanged.connect(self._on_device_changed)
        self.background.submit(detect_cuda_gpus, on_done=self._on_gpus_found,
                               on_error=lambda *_: self._on_gpus_found([]), key=GPU_TASK)
        device_row.addRow(self.tr("Training device"), self.device_combo)
        layout.addLayout(device_row)

        self.problems = ProblemsView()
        layout.addWidget(self.problems)
        self.overview = QLabel(self._overview_html())
        self.overview.setObjectName("chainOverview")
        self.overview.setWordWrap(True)
        self.overview.setStyleSheet("QLabel { background: #f7f7f7; border: 1px solid #ddd; "
                                    "border-radius: 6px; padding: 10px; }")
        layout.addWidget(self.overview)
        layout.addStretch(1)
        hint = QLabel(self.tr("Tip: nnFT never writes into nnUNet_raw. Its own files (session, "
                              "logs, backups) go to nnUNet_results/nnFT."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        layout.addWidget(hint)
        self._load_from_state()

    def overview_texts(self) -> dict[str, str]:
        """One plain sentence per step of the registry, by step key (a test checks that every
        registered step has one)."""
        return {
            "plan_finetune": self.tr("Plan and preprocess your <b>fine-tuning</b> dataset: its "
                                     "plans design the network."),
            "fingerprint_pretrain": self.tr("Extract the <b>pretraining</b> dataset's "
                                            "fingerprint."),
            "transfer_plans": self.tr("Move the plans <b>from fine-tuning to pretraining</b> "
                                      "under a new name (nnU-Net: <code>-s FINETUNE -t "
                                      "PRETRAIN</code>)."),
            "copy_dataset_json": self.tr("Copy the pretraining dataset's dataset.json (the step "
                                         "nnU-Net's guide misses)."),
            "preprocess_pretrain": self.tr("Preprocess the pretraining dataset with the moved "
                                           "plans."),
            "pretrain": self.tr("Pretrain on all of it (fold 'all')."),
            "finetune": self.tr("Fine-tune on your dataset <b>from the pretrained "
                                "weights</b>."),
            "baseline": self.tr("Optionally, train your dataset <b>from scratch</b> too, to "
                                "see whether the pretraining helped."),
            # The model chain's own steps (it then fine-tunes like the dataset chain).
            "import_model": self.tr("Import the model: nnFT copies its plans and the checkpoint "
                                    "the fine-tuning starts from."),
            "fingerprint_finetune": self.tr("Extract your dataset's fingerprint (compared with "
                                            "the model's plans: a CT model on MRI data is "
                                            "warned about)."),
            "transfer_model_plans": self.tr("Give your dataset the <b>model's plans</b> under a "
                                            "new name."),
            "preprocess_finetune": self.tr("Preprocess your dataset with them."),
        }

    def _overview_html(self) -> str:
        texts = self.overview_texts()
        # In the registry's order, so the numbers match every other page and the CLI; the
        # model chain's steps numbered on their own, its training steps are the same.
        items = "".join(f"<li>{texts[d.key]}</li>" for d in STEPS)
        model_items = "".join(f"<li>{texts[d.key]}</li>" for d in MODEL_STEPS
                              if d.group == PREPARE)
        return (f"<b>{self.tr('What nnFT will do')}</b><ol style='margin-top:4px'>{items}</ol>"
                + self.tr("Or, starting from a model someone else trained (no pretraining "
                          "here):")
                + f"<ol style='margin-top:4px'>{model_items}</ol>"
                + self.tr("then fine-tune (and optionally the baseline) as above. ")
                + self.tr("Every step checks its inputs first, never overwrites existing plans "
                          "or results, and can be stopped and continued."))

    # -- devices -------------------------------------------------------------------------------
    def _fill_devices(self) -> None:
        """The devices found so far; while the GPUs are being looked for, a placeholder is
        selected and the state's device is left as it is (a restored 'cuda' stays)."""
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        if self.gpus is None:
            self.device_combo.addItem(self.tr("Looking for NVIDIA GPUs …"), None)
        for gpu in self.gpus or []:
            self.device_combo.addItem(
                self.tr("GPU {0}: {1} ({2:.0f} GB)").format(gpu.index, gpu.name,
                                                            gpu.memory_mib / 1024), "cuda")
        if mps_available():
            self.device_combo.addItem(self.tr("Apple GPU (MPS)"), "mps")
        self.device_combo.addItem(self.tr("CPU (slow; fine for quick trials)"), "cpu")
        self.device_combo.setEnabled(self.gpus is not None)
        self.device_combo.blockSignals(False)

    def _on_gpus_found(self, gpus: list[GpuInfo]) -> None:
        self.gpus = list(gpus)
        self._fill_devices()
        # The list offers only devices that exist, so the preflight need not run nvidia-smi
        # again (on the GUI thread) for every change of the choice.
        self.state.check_device = False
        self._select_device(self.state.options.device)
        self.completeChanged.emit()

    def _select_device(self, device: str) -> None:
        if self.gpus is None:
            return  # decided when the GPUs are known
        index = self.device_combo.findData(device)
        self.device_combo.setCurrentIndex(index if index >= 0 else 0)
        self._on_device_changed()

    def _on_device_changed(self) -> None:
        device = self.device_combo.currentData()
        if device:
            self.state.with_options(device=device)

    # -- folders -------------------------------------------------------------------------------
    def _load_from_state(self) -> None:
        ws = self.state.workspace or Workspace.from_environment()
        for variable, folder in ws.roots().items():
            self.edits[variable].setText(str(folder) if folder else "")
        self._select_device(self.state.options.device)
        self._on_folders_changed()

    def set_workspace_root(self, root: Path) -> None:
        ws = Workspace.from_root(root)
        for variable, folder in ws.roots().items():
            self.edits[variable].setText(str(folder))

    def _browse(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), edit.text())
        if folder:
            edit.setText(folder)

    def _choose_root(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the workspace folder"))
        if folder:
            self.set_workspace_root(Path(folder))

    def _create_demo(self) -> None:
        parent = QFileDialog.getExistingDirectory(
            self, self.tr("Where should the demo workspace go?"), tempfile.gettempdir())
        if not parent:
            return
        target = Path(parent) / "nnft-demo"
        # Writing the images takes a moment (SimpleITK): in a worker thread.
        self.demo_button.setEnabled(False)
        self.demo_button.setText(self.tr("Creating…"))
        self.background.submit(_write_demo, target, on_done=self._on_demo_written,
                               on_error=self._on_demo_failed, key=DEMO_TASK)

    def _demo_button_ready(self) -> None:
        self.demo_button.setEnabled(True)
        self.demo_button.setText(self.tr("Create demo workspace"))

    def _on_demo_written(self, demo: DemoWorkspace) -> None:
        self._demo_button_ready()
        self.set_workspace_root(demo.root)
        self.state.pretrain, self.state.finetune = demo.pretrain_name, demo.finetune_name

    def _on_demo_failed(self, error: BaseException, details: str) -> None:
        self._demo_button_ready()
        if not isinstance(error, (FileExistsError, OSError, ValueError)):
            raise error  # a bug: the application's excepthook shows and logs it
        QMessageBox.warning(self, self.tr("Demo workspace"), str(error))

    def _on_folders_changed(self) -> None:
        def path(variable: str) -> Path | None:
            text = self.edits[variable].text().strip()
            return Path(text).expanduser() if text else None

        self.state.workspace = Workspace(path("nnUNet_raw"), path("nnUNet_preprocessed"),
                                         path("nnUNet_results"))
        self.problems.set_problems(self.state.workspace.check())
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        # The device is settled once the GPUs have been looked for.
        return self.gpus is not None and next_page_available(self.state, "workspace")

