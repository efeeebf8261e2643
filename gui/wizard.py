"""The nnFT wizard: one QWizard page per step of the chain, over one WizardState."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from nnft.core.session import Session
from nnft.core.wizard_state import WizardState

from .pages.cluster_page import ClusterPage
from .pages.datasets_page import DatasetsPage
from .pages.plans_page import PlansPage
from .pages.summary_page import SummaryPage
from .pages.training_page import FINETUNE, PRETRAIN, TrainingPage
from .pages.workspace_page import WorkspacePage

PAGE_IDS = {"workspace": 0, "datasets": 1, "plans": 2, "validation": 3, "pretrain": 4,
            "finetune": 5, "summary": 6, "cluster": 7}
#: Pages from which the Cluster page can be opened (the datasets are chosen by then; the
#: cluster's preparation job can also do the planning and preprocessing).
CLUSTER_FROM = ("plans", "validation", "pretrain", "finetune")


class NnftWizard(QWizard):
    """Point-and-click pretraining → fine-tuning."""

    def __init__(self, state: WizardState | None = None, parent: QWidget | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nnftWizard")
        self.settings = settings or QSettings("nnFT", "nnFT")
        self.state = state or self._restore_state()
        self.setWindowTitle(self.tr("nnFT — nnU-Net pretraining and fine-tuning"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.pages = {
            "workspace": WorkspacePage(self.state),
            "datasets": DatasetsPage(self.state),
            "plans": PlansPage(self.state),
            "validation": self._validation_page(),
            "pretrain": TrainingPage(self.state, PRETRAIN),
            "finetune": TrainingPage(self.state, FINETUNE),
            "summary": SummaryPage(self.state),
            "cluster": ClusterPage(self.state),
        }
        for key, page in self.pages.items():
            self.setPage(PAGE_IDS[key], page)
        # The Cluster page is off the main path: a button opens it from the pages where
        # training could start; Back returns to where it was opened, Next goes to the summary.
        self._jump_target: int | None = None
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Run on a cluster…"))
        cluster_button = self.button(QWizard.WizardButton.CustomButton1)
        cluster_button.setObjectName("openClusterButton")
        cluster_button.setToolTip(self.tr("Submit the chain as SLURM jobs and follow them"))
        self.customButtonClicked.connect(self._on_custom_button)
        self.currentIdChanged.connect(self._on_page_changed)
        self._update_cluster_button(self.currentId())
        self.resize(1100, 820)

    def _validation_page(self):
        try:
            from .pages.validation_page import ValidationPage
        except ImportError:  # being built in parallel; a plain page keeps the wizard usable
            from PySide6.QtWidgets import QWizardPage

            page = QWizardPage()
            page.setObjectName("validationPage")
            page.setTitle(self.tr("Validate transferred plans"))
            return page
        return ValidationPage(self.state)

    # -- session ------------------------------------------------------------------------------
    def _restore_state(self) -> WizardState:
        path = self.settings.value("lastSession", "")
        session = Session.load(path) if path else None
        return WizardState.from_session(session) if session else WizardState()

    persist = True  # screenshot mode turns this off: looking must not change the workspace

    def save_session(self) -> None:
        if not self.persist:
            return
        ws = self.state.workspace
        if ws is None or ws.results is None or not ws.results.is_dir():
            return
        path = ws.state_dir / "session.json"
        try:
            self.state.to_session().save(path)
        except OSError:
            return  # a read-only results folder must not break the wizard
        self.settings.setValue("lastSession", str(path))

    def _on_page_changed(self, page_id: int) -> None:
        self._update_cluster_button(page_id)
        self.save_session()

    # -- the Cluster page ------------------------------------------------------------------------
    def _update_cluster_button(self, page_id: int) -> None:
        shown = page_id in {PAGE_IDS[key] for key in CLUSTER_FROM}
        self.button(QWizard.WizardButton.CustomButton1).setVisible(shown)

    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.open_page("cluster")

    def open_page(self, key: str) -> None:
        """Go to page ``key`` from the current page (Back returns here)."""
        self._jump_target = PAGE_IDS[key]
        self.next()
        self._jump_target = None

    def nextId(self) -> int:  # Qt override
        # Asked by next() and by the button updates; the jump target is set only inside
        # open_page, so the usual flow is untouched.
        if self._jump_target is not None:
            return self._jump_target
        return super().nextId()

    def initializePage(self, page_id: int) -> None:  # Qt override
        # A page entered shows the disk as it is now: files may have changed since the state
        # cached its preflight (another program, the user, a run outside the wizard).
        self.state.invalidate()
        super().initializePage(page_id)

    # -- running steps --------------------------------------------------------------------------
    def running_pages(self) -> list:
        return [p for p in self.pages.values() if getattr(p, "is_running", lambda: False)()]

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        running = self.running_pages()
        if running:
            answer = QMessageBox.question(
                self, self.tr("A step is running"),
                self.tr("An nnU-Net command is still running. Stop it and quit? "
                        "(Training can be resumed later from its last checkpoint.)"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            for page in running:
                page.run.cancel()
                page.run.wait(30000)
        self.save_session()
        event.accept()

    def reject(self) -> None:
        # Esc / Cancel go through closeEvent's confirmation as well.
        if self.running_pages():
            self.close()
            return
        super().reject()
