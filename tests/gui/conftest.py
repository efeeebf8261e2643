"""GUI test fixtures: an isolated QSettings file per test and a demo-workspace wizard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from nnft.core.demo import write_demo_workspace
from nnft.core.pipeline import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace


@pytest.fixture
def settings(tmp_path):
    """Never touch the user's real settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def demo(tmp_path):
    return write_demo_workspace(tmp_path / "ws")


@pytest.fixture
def quick_state(demo):
    return WizardState(
        workspace=Workspace.from_root(demo.root),
        options=RunOptions(configuration="2d", device="cpu", trial_epochs=2, trial_iterations=3,
                           final_validation=False),
        check_device=False,
    )


@pytest.fixture
def make_wizard(qtbot, settings):
    from nnft.gui.wizard import NnftWizard

    created = []

    def make(state):
        wizard = NnftWizard(state, settings=settings)
        qtbot.addWidget(wizard)
        created.append(wizard)
        return wizard

    yield make
    for wizard in created:  # no test may leave an nnU-Net process or a QThread behind
        for page in wizard.running_pages():
            page.run.cancel()
            page.run.wait(30000)
