"""The nnFT wizard: one QWizard page per step of the chain, over one WizardState."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget, QWizard

from nnft.core.session import Session
from nnft.core.wizard_state import (
    PAGES,
    PageAvailability,
    WizardState,
    next_page,
    page_availability,
)

from .background import BackgroundTasks
from .pages.cluster_page import ClusterPage
from .pages.datasets_page import DatasetsPage
from .pages.plans_page import PlansPage
from .pages.results_page import ResultsPage
from .pages.summary_page import SummaryPage
from .pages.training_page import BASELINE, FINETUNE, PRETRAIN, TrainingPage
from .pages.use_model_page import UseModelPage
from .pages.workspace_page import WorkspacePage

#: Page ids: the order of the flow is :func:`~nnft.core.wizard_state.page_flow`'s (see
#: nextId), not the ids'. The pages added later got free ids; ``render_screenshots`` names its
#: files by id + 1 (09_results.png, 11_baseline.png, 12_use.png; 10_report.png is the run
#: report).
PAGE_IDS = {"workspace": 0, "datasets": 1, "plans": 2, "validation": 3, "pretrain": 4,
            "finetune": 5, "summary": 6, "cluster": 7, "results": 8, "baseline": 10, "use": 11}
#: Pages from which the Cluster page can be opened (the datasets are chosen by then; the
#: cluster's preparation job can also do the planning and preprocessing).
CLUSTER_FROM = ("plans", "validation", "pretrain", "finetune")
#: How the user chose to close the wizard while a command runs.
STOP_AFTER_EPOCH, STOP_NOW, LEAVE_RUNNING, CANCEL_CLOSE = (
    "stop_after_epoch", "stop_now", "leave_running", "cancel")


def page_to_reopen(saved: str, availability: dict[str, PageAvailability]) -> str | None:
    """The page the wizard reopens on: the one the user was on (``saved``) when it may be
    entered now, else the furthest page before it that may; None: stay on the first page."""
    if saved not in PAGES:
        return None
    reachable = [key for key in PAGES[:PAGES.index(saved) + 1]
                 if key in availability and availability[key].available]
    return reachable[-1] if reachable and reachable[-1] != PAGES[0] else None


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
            "baseline": TrainingPage(self.state, BASELINE),
            "results": ResultsPage(self.state),
            "use": UseModelPage(self.state),
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
        self._quit_when_idle = False  # closing waits for runs stopping after their epoch
        self.background = BackgroundTasks(self, name="nnft-wizard")
        self.reopen_task = self._reopen_last_page()

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
        key = next((k for k, i in PAGE_IDS.items() if i == page_id), None)
        setting = self._last_page_setting()
        if key in PAGES and setting is not None and self.persist and not self._reopening:
            self.settings.setValue(setting, key)

    # -- reopening where the user left off -------------------------------------------------------
    _reopening = False

    def _last_page_setting(self) -> str | None:
        """The QSettings key of the page last shown for this workspace's session."""
        ws = self.state.workspace
        if ws is None or ws.results is None:
            return None
        session = str(ws.state_dir / "session.json")
        return "lastPage/" + hashlib.sha1(session.encode("utf-8")).hexdigest()[:16]

    def _reopen_last_page(self):
        """Go to the page the user was on when this workspace was last open (if it may be
        entered now). Which pages may be entered is worked out off the GUI thread."""
        setting = self._last_page_setting()
        saved = str(self.settings.value(setting, "")) if setting is not None else ""
        if saved not in PAGES or saved == PAGES[0]:
            return None
        # On a copy: the worker must not fill the cache the GUI thread reads meanwhile.
        computing = self.state.detached()

        def done(found: dict[str, PageAvailability]) -> None:
            self.state.adopt(computing)  # kept until the next change or invalidation
            self._go_to_page(saved, found)

        return self.background.submit(page_availability, computing, on_done=done)

    def _go_to_page(self, saved: str, availability: dict[str, PageAvailability]) -> None:
        if not self.persist:
            return  # screenshot mode walks the pages itself
        target = page_to_reopen(saved, availability)
        if target is not None and self.currentId() == -1:
            self.restart()  # not shown yet: QWizard would start on the first page when shown
        if target is None or self.currentId() != PAGE_IDS[PAGES[0]]:
            return  # nothing to reopen, or the user has moved on already
        self._reopening = True
        try:
            # Page by page, so Back goes where it always goes.
            while self.currentId() != PAGE_IDS[target]:
                before = self.currentId()
                self.next()
                if self.currentId() == before:
                    break
        finally:
            self._reopening = False
        self._on_page_changed(self.currentId())

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
        # The main pages follow the flow of the options (the baseline page only when chosen);
        # the summary and the Cluster page say themselves where they lead.
        key = next((k for k, i in PAGE_IDS.items() if i == self.currentId()), None)
        if key in PAGES and key != "summary":
            following = next_page(self.state.options, key)
            return PAGE_IDS[following] if following is not None else -1
        return super().nextId()

    def initializePage(self, page_id: int) -> None:  # Qt override
        # A page entered shows the disk as it is now: files may have changed since the state
        # cached its preflight (another program, the user, a run outside the wizard).
        self.state.invalidate()
        super().initializePage(page_id)

    # -- running steps --------------------------------------------------------------------------
    def running_pages(self) -> list:
        return [p for p in self.pages.values() if getattr(p, "is_running", lambda: False)()]

    def close_dialog(self, running: list) -> tuple[QMessageBox, dict[QAbstractButton, str]]:
        """The question asked when the wizard is closed while ``running`` pages run a command.

        Offers what the running commands allow: stopping after the epoch (nnFT's trainers; the
        default), leaving the training running on its own (its output goes into its log; the
        reopened wizard finds and follows it), stopping now, and not closing.
        """
        graceful = all(page.run.can_stop_gracefully() for page in running)
        detachable = all(page.run.can_detach() for page in running)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("A step is running"), "",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("closeWhileRunningDialog")
        if graceful:
            text = self.tr("A training is running. Stop it after the epoch in progress (a "
                           "checkpoint is written; Resume continues there) and quit?")
        elif detachable:
            text = self.tr("A training is running. Its trainer cannot stop after the epoch: "
                           "stopping it now loses the epochs since its last checkpoint "
                           "(nnU-Net writes one every 50 epochs).")
        else:
            text = self.tr("An nnU-Net command is still running. Stop it and quit? (The step "
                           "starts again cleanly next time.)")
        box.setText(text)
        if detachable:
            box.setInformativeText(self.tr(
                "Quit and leave it running: the training goes on without this window, its "
                "output goes into its log, and the wizard follows it when you open it again."))
        choices: dict[QAbstractButton, str] = {}
        if graceful:
            choices[box.addButton(self.tr("Stop after this epoch and quit"),
                                  QMessageBox.ButtonRole.AcceptRole)] = STOP_AFTER_EPOCH
        else:
            choices[box.addButton(self.tr("Stop now and quit"),
                                  QMessageBox.ButtonRole.DestructiveRole)] = STOP_NOW
        if detachable:
            choices[box.addButton(self.tr("Quit and leave it running"),
                                  QMessageBox.ButtonRole.ActionRole)] = LEAVE_RUNNING
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        choices[cancel] = CANCEL_CLOSE
        box.setEscapeButton(cancel)
        # Nothing lost is the default: the graceful stop, else leaving it running.
        default = STOP_AFTER_EPOCH if graceful else LEAVE_RUNNING if detachable else STOP_NOW
        box.setDefaultButton(next(b for b, c in choices.items() if c == default))  # type: ignore[arg-type]
        for button, choice in choices.items():
            button.setObjectName(f"close_{choice}")
        return box, choices

    def ask_how_to_close(self, running: list) -> str:
        """Show :meth:`close_dialog`; returns the choice (:data:`CANCEL_CLOSE` when dismissed)."""
        box, choices = self.close_dialog(running)
        box.exec()
        return choices.get(box.clickedButton(), CANCEL_CLOSE)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        running = self.running_pages()
        if running:
            choice = self.ask_how_to_close(running)
            if choice == CANCEL_CLOSE:
                event.ignore()
                return
            if choice == STOP_AFTER_EPOCH:
                # The epoch may take minutes: the window stays (not frozen) and closes itself
                # when the runs have ended.
                event.ignore()
                self._stop_after_epoch_then_quit(running)
                return
            for page in running:
                if choice == LEAVE_RUNNING and page.run.detach():
                    # The executor stops following it within a moment; the run record stays.
                    page.run.wait(10000)
                else:
                    page.run.cancel()
                    page.run.wait(30000)
        self.save_session()
        event.accept()

    def _stop_after_epoch_then_quit(self, running: list) -> None:
        self._quit_when_idle = True
        self.setWindowTitle(self.tr("nnFT — closing after the epoch in progress …"))
        for page in running:
            if page.run.stop_gracefully():
                page.status_label.setText(self.tr("Stopping after this epoch (a checkpoint is "
                                                  "written); the wizard then closes."))
                page.stop_button.setEnabled(False)
            else:  # it ended meanwhile, or cannot stop gracefully any more
                page.run.cancel()
            page.run.finished.connect(self._close_when_idle)

    def _close_when_idle(self) -> None:
        if self._quit_when_idle and not self.running_pages():
            self._quit_when_idle = False
            self.close()

    def reject(self) -> None:
        # Esc / Cancel go through closeEvent's confirmation as well.
        if self.running_pages():
            self.close()
            return
        super().reject()
