"""Issue 11 in the wizard: the fine-tuning preset, its frozen epochs, the from-scratch baseline
box on the fine-tuning page, and the baseline page in the flow only when chosen."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox, QWizard

from nnft.core.steps import FINETUNE_PRESETS
from nnft.core.wizard_state import WizardState
from nnft.gui.pages.training_page import BASELINE, FINETUNE, PRETRAIN, TrainingPage
from nnft.gui.texts import preset_texts
from nnft.gui.wizard import PAGE_IDS


@pytest.fixture
def chosen(quick_state, demo):
    quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
    return quick_state


def _page(qtbot, state, phase) -> TrainingPage:
    page = TrainingPage(state, phase)
    qtbot.addWidget(page)
    page.initializePage()
    return page


def test_every_preset_has_a_translated_gui_text(qapp):
    texts = preset_texts()
    assert list(texts) == list(FINETUNE_PRESETS)  # the same names, in the same order
    for name, (label, hint) in texts.items():
        assert label.strip() and len(hint) > 40, name


def test_preset_combo_writes_the_options_and_frozen_epochs_only_for_frozen_encoder(
        qtbot, chosen):
    chosen.with_options(trial_epochs=10)
    page = _page(qtbot, chosen, FINETUNE)
    combo = page.findChild(QComboBox, "finetunePresetCombo")
    spin = page.findChild(QSpinBox, "freezeEpochsSpin")
    hint = page.finetune_options.preset_hint
    assert [combo.itemData(i) for i in range(combo.count())] == list(FINETUNE_PRESETS)
    assert combo.currentData() == "default" and not spin.isEnabled()
    assert hint.text() == preset_texts()["default"][1]

    combo.setCurrentIndex(combo.findData("gentle"))
    assert chosen.options.finetune_preset == "gentle" and chosen.options.freeze_epochs is None
    assert not spin.isEnabled()
    assert hint.text() == preset_texts()["gentle"][1]
    # The page shows the folder this preset trains into (its own trainer name).
    assert page.fold_dir() == chosen.context().finetune_fold_dir
    assert page.fold_dir().parent.name.startswith("nnFTTrainerGentleFinetuneQuickTrial__")

    combo.setCurrentIndex(combo.findData("frozen-encoder"))
    assert spin.isEnabled()
    # The default shown is the chain's: a tenth of the 10 quick-trial epochs.
    assert spin.value() == chosen.context().freeze_epochs == 1
    assert chosen.options.freeze_epochs is None  # not chosen: the default stays a default
    spin.setValue(2)
    assert chosen.options.freeze_epochs == 2 and chosen.context().freeze_epochs == 2
    # Another preset drops the frozen epochs (core refuses them there) ...
    combo.setCurrentIndex(combo.findData("default"))
    assert chosen.options.freeze_epochs is None and not spin.isEnabled()
    assert chosen.run_preflight().ok
    # ... and choosing frozen-encoder again brings back the number typed.
    combo.setCurrentIndex(combo.findData("frozen-encoder"))
    assert chosen.options.freeze_epochs == 2 and spin.value() == 2

    check = page.findChild(QCheckBox, "baselineCheck")
    assert "from-scratch baseline" in check.text() and "doubles" in check.text()
    check.setChecked(True)
    assert chosen.options.baseline
    # Saved with the session like every option.
    again = WizardState.from_session(chosen.to_session())
    assert (again.options.finetune_preset, again.options.freeze_epochs,
            again.options.baseline) == ("frozen-encoder", 2, True)
    # A page opened on that session shows the choice.
    again.check_device = False
    shown = _page(qtbot, again, FINETUNE)
    assert shown.finetune_options.preset_combo.currentData() == "frozen-encoder"
    assert shown.finetune_options.freeze_spin.value() == 2
    assert shown.finetune_options.baseline_check.isChecked()


def test_the_default_frozen_epochs_follow_the_number_of_epochs(qtbot, chosen):
    chosen.with_options(finetune_preset="frozen-encoder")
    page = _page(qtbot, chosen, FINETUNE)
    spin = page.finetune_options.freeze_spin
    page.settings.epochs_spin.setValue(30)
    assert chosen.options.trial_epochs == 30
    assert spin.value() == 3 == chosen.context().freeze_epochs
    # At least the last epoch trains all layers: no more frozen epochs than that allows.
    assert spin.maximum() == 29
    spin.setValue(20)
    assert chosen.options.freeze_epochs == 20
    page.settings.epochs_spin.setValue(10)  # fewer epochs: the frozen ones follow, visibly
    assert spin.value() == 9 == chosen.options.freeze_epochs == chosen.context().freeze_epochs
    assert "OPTIONS_INVALID" not in chosen.run_preflight().codes()


def test_only_the_fine_tuning_page_has_the_preset_controls(qtbot, chosen):
    for phase in (PRETRAIN, BASELINE):
        page = _page(qtbot, chosen, phase)
        assert page.findChild(QComboBox, "finetunePresetCombo") is None, phase
        assert page.findChild(QCheckBox, "baselineCheck") is None, phase


def test_the_baseline_page_trains_the_fine_tuning_dataset_from_scratch(qtbot, chosen):
    chosen.with_options(baseline=True, fold="1", finetune_preset="gentle")
    page = _page(qtbot, chosen, BASELINE)
    ctx = chosen.context()
    assert page.objectName() == "baselinePage"
    assert page.title() == "Baseline: from scratch"
    assert page.step_key() == "baseline"
    assert page.fold_dir() == ctx.baseline_fold_dir != ctx.finetune_fold_dir
    assert page.fold_dir().name == "fold_1"
    assert page.fold_dir().parent.name.startswith("nnFTTrainerFromScratchQuickTrial__")
    # Its trainer settings are the fine-tuning's: shown, not changed here.
    assert not page.settings.isEnabled()
    assert "fold (1)" in page.baseline_note.text()
    assert page.checkpoint_edit is None  # no pretrained weights
    qtbot.waitUntil(lambda: page.progress is not None, timeout=10000)
    assert page.progress.fold_dir == ctx.baseline_fold_dir
    assert page.start_button.isEnabled()  # nothing trained yet, no run anywhere


def _at_finetune(make_wizard, state, monkeypatch):
    """A wizard on the fine-tuning page of a chain whose preparation and pretraining are
    done (as the disk would say after them); nothing is fine-tuned."""
    done = {"pretrain": True, "finetune": False, "baseline": False}
    monkeypatch.setattr(WizardState, "preparation_done", lambda self: True)
    monkeypatch.setattr(WizardState, "step_done", lambda self, key: done.get(key, False))
    wizard = make_wizard(state)
    wizard.persist = False
    wizard.show()
    while wizard.currentId() != PAGE_IDS["finetune"]:
        before = wizard.currentId()
        wizard.next()
        assert wizard.currentId() != before
    return wizard, done


def _next_enabled(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_the_baseline_page_is_in_the_flow_only_when_chosen(make_wizard, chosen, monkeypatch):
    wizard, done = _at_finetune(make_wizard, chosen, monkeypatch)
    finetune = wizard.pages["finetune"]
    assert wizard.nextId() == PAGE_IDS["results"]
    assert not _next_enabled(wizard)  # the results wait for the fine-tuning
    finetune.finetune_options.baseline_check.setChecked(True)
    assert wizard.nextId() == PAGE_IDS["baseline"]
    # The baseline needs no fine-tuning: it may be trained first.
    assert _next_enabled(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.pages["baseline"]
    assert wizard.nextId() == PAGE_IDS["results"]
    assert not _next_enabled(wizard)
    done["finetune"] = True
    wizard.pages["baseline"].completeChanged.emit()
    assert _next_enabled(wizard)
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["results"]
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["use"]
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["summary"]
    assert wizard.nextId() == -1
    # Back the way it came; unticked, the fine-tuning leads to the results again.
    for _ in range(4):  # use, results, baseline, finetune
        wizard.back()
    assert wizard.currentPage() is finetune
    finetune.finetune_options.baseline_check.setChecked(False)
    assert wizard.nextId() == PAGE_IDS["results"]
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["results"]


def test_summary_names_the_preset_and_the_baseline(make_wizard, chosen):
    chosen.with_options(finetune_preset="frozen-encoder", freeze_epochs=1, baseline=True)
    wizard = make_wizard(chosen)
    summary = wizard.pages["summary"]
    summary.initializePage()
    text = summary.summary.text()
    assert preset_texts()["frozen-encoder"][0] in text and "frozen epochs: 1" in text
    assert str(chosen.context().baseline_fold_dir) in text
    assert "nnFTTrainerFromScratchQuickTrial" in summary.script.toPlainText()
    chosen.with_options(finetune_preset="default", freeze_epochs=None, baseline=False)
    summary.initializePage()
    assert "from scratch" not in summary.summary.text()



def test_reopening_skips_the_baseline_page_off_the_flow():
    from nnft.core.wizard_state import PAGES, PageAvailability
    from nnft.gui.wizard import page_to_reopen

    def available(*shut):
        return {k: PageAvailability(k not in shut, "not now") for k in PAGES}

    assert page_to_reopen("results", available("baseline")) == "results"
    assert page_to_reopen("baseline", available()) == "baseline"
    # Closed on the baseline page, whose box was unticked since: the page before it.
    assert page_to_reopen("baseline", available("baseline")) == "finetune"
