"""``nnft-wizard``: start the desktop wizard.

``--workspace DIR`` opens a workspace, ``--demo`` creates the demo workspace and opens it, and
``--screenshot-dir DIR`` renders every page to PNG and exits (for the README and for review).
``--lang zh_CN|en`` chooses the language (else the Workspace page's saved choice, else the
system locale: gui/language.py).
The GUI process never imports torch or nnunetv2 at start-up: the window must appear at once;
nnU-Net runs in child processes.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from pathlib import Path

_START = time.perf_counter()
LOG = logging.getLogger("nnft.gui")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    from .language import LANGUAGES

    parser = argparse.ArgumentParser(prog="nnft-wizard",
                                     description="nnFT: nnU-Net pretraining and fine-tuning")
    parser.add_argument("--workspace", metavar="DIR",
                        help="folder with nnUNet_raw, nnUNet_preprocessed, nnUNet_results")
    parser.add_argument("--demo", action="store_true",
                        help="create a demo workspace (in a temporary folder) and open it")
    parser.add_argument("--screenshot-dir", metavar="DIR",
                        help="render every page to DIR/NN_page.png and exit")
    parser.add_argument("--device", choices=["cuda", "cpu", "mps"], help="training device")
    parser.add_argument("--lang", choices=sorted(LANGUAGES),
                        help="language of the wizard (default: the one chosen on the Workspace "
                             "page, else the system's)")
    return parser.parse_args(argv)


def _log_file() -> Path:
    from PySide6.QtCore import QStandardPaths

    folder = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppLocalDataLocation) or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "nnft-wizard.log"


def install_excepthook(log_path: Path) -> None:
    """Unexpected exceptions go to one dialog and the log file, never silently lost."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    shown: set[str] = set()

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        try:
            with open(log_path, "a", encoding="utf-8") as handle:
                handle.write(f"{time.ctime()}\n{text}\n")
        except OSError:
            pass
        sys.__stderr__.write(text)
        key = f"{exc_type.__name__}: {exc}"
        if QApplication.instance() is None or key in shown:
            return
        shown.add(key)
        box = QMessageBox(QMessageBox.Icon.Critical,
                          QApplication.translate("nnFT", "Unexpected error"),
                          QApplication.translate("nnFT", "nnFT hit an unexpected error: {0}\n\n"
                                                 "Details were written to {1}.").format(
                                                     key, log_path))
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook


def load_translations(app, language: str | None = None, settings=None) -> str:
    """Install the translation of ``language`` (``--lang``), else of the language saved on the
    Workspace page, else of the system locale; returns the language in effect."""
    from PySide6.QtCore import QSettings

    from .language import language_to_use
    from .language import load_translations as install

    settings = settings if settings is not None else QSettings("nnFT", "nnFT")
    return install(app, language_to_use(language, settings))


#: The extra height the Chinese wizard gets: a Chinese font's lines are about a quarter taller
#: than DejaVu's, which took the training pages' plots half of their height.
CHINESE_EXTRA_HEIGHT = 80


def fit_chinese_lines(wizard) -> None:
    """Make the window taller for the Chinese font's taller lines, within the screen."""
    room = wizard.screen().availableGeometry().height() - 40  # the window's title bar
    wizard.resize(wizard.width(), max(wizard.height(), min(wizard.height() +
                                                           CHINESE_EXTRA_HEIGHT, room)))


def render_screenshots(wizard, folder: Path) -> list[Path]:
    """Show each page in turn and save it as PNG."""
    from PySide6.QtWidgets import QApplication

    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    from nnft.core.wizard_state import CLUSTER, page_flow

    from .background import BackgroundTasks
    from .wizard import PAGE_IDS

    wizard.show()
    # The pages of this chain's flow (the baseline page only when chosen), then the Cluster page.
    for key in (*page_flow(wizard.state.options), CLUSTER):
        page_id = PAGE_IDS[key]
        # Walk forward through the pages as a user would, so each initializePage runs.
        while wizard.currentId() != page_id and wizard.currentId() != -1:
            before = wizard.currentId()
            wizard.next()
            QApplication.processEvents()
            if wizard.currentId() == before:  # a page is incomplete: show it as it stands
                page = wizard.page(page_id)
                page.initializePage()
                wizard.setStartId(page_id)
                wizard.restart()
                break
        QApplication.processEvents()
        # What the pages read in worker threads (curves, image previews) is shown first.
        for tasks in wizard.findChildren(BackgroundTasks):
            tasks.wait(60)
        QApplication.processEvents()
        path = folder / f"{page_id + 1:02d}_{key}.png"
        wizard.grab().save(str(path))
        saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from .background import GuiThreadGarbageCollector

    # Python's garbage collector runs in the GUI thread only (a collection in a worker thread
    # can free widgets there and deadlock): see GuiThreadGarbageCollector.
    GuiThreadGarbageCollector(app).start()
    app.setApplicationName("nnFT")
    app.setOrganizationName("nnFT")
    language = load_translations(app, args.lang)
    log_path = _log_file()
    install_excepthook(log_path)

    from nnft.core.wizard_state import WizardState
    from nnft.core.workspace import Workspace

    from .wizard import NnftWizard

    state = None
    if args.demo or args.workspace:
        state = WizardState()
        if args.demo:
            from nnft.core.demo import write_demo_workspace

            demo = write_demo_workspace(Path(tempfile.mkdtemp(prefix="nnft-demo-")))
            state.workspace = Workspace.from_root(demo.root)
            state.pretrain, state.finetune = demo.pretrain_name, demo.finetune_name
            state.with_options(configuration="2d", trial_epochs=5, trial_iterations=10,
                               device="cpu")
        else:
            workspace = Workspace.from_root(args.workspace)
            # A chain started here before (wizard or `nnft run`) left its choices behind.
            from nnft.core.session import Session

            session = Session.load(workspace.state_dir / "session.json")
            if session is not None:
                state = WizardState.from_session(session)
            state.workspace = workspace
    if state is not None and args.device:
        state.with_options(device=args.device)
    wizard = NnftWizard(state)
    if language == "zh_CN":
        fit_chinese_lines(wizard)
    if args.screenshot_dir:
        wizard.persist = False
        for path in render_screenshots(wizard, Path(args.screenshot_dir)):
            print(path)
        return 0
    wizard.show()
    LOG.info("window shown %.2f s after start", time.perf_counter() - _START)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
