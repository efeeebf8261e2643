"""Label values read in the background after the datasets page's preflight (issue 14, item 3):
a label holding 7 (dataset.json lists 0 and 1) is shown by file, case and value and blocks
Next; the clean demo shows nothing, and a newer choice supersedes a running check."""

from __future__ import annotations

import hashlib

from PySide6.QtWidgets import QWizard

from tests.conftest import put_label_value


def _digests(root):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_datasets_page_shows_an_unexpected_label_value(make_wizard, quick_state, demo, qtbot):
    label = demo.root / "nnUNet_raw" / demo.finetune_name / "labelsTr" / "ft_002.nii.gz"
    put_label_value(label)
    raw_before = _digests(demo.root / "nnUNet_raw")
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    qtbot.waitUntil(lambda: "LABEL_VALUES_UNEXPECTED" in page.problems.codes(), timeout=20000)
    problem = next(p for p in page.problems.problems if p.code == "LABEL_VALUES_UNEXPECTED")
    assert f"{demo.finetune_name}/labelsTr/ft_002.nii.gz (case ft_002): 7" in problem.message
    assert page.label_values_status.text() == ""
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert _digests(demo.root / "nnUNet_raw") == raw_before


def test_datasets_page_clean_labels_show_nothing(make_wizard, quick_state, qtbot):
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    assert page.label_values_checking()
    assert page.label_values_status.text() == "Checking label values…"
    first = page.background.running("label_values")
    page.swap()  # a newer choice supersedes the running check
    assert first is not None and first.cancelled
    assert page.label_values_checking()
    qtbot.waitUntil(lambda: not page.label_values_checking(), timeout=20000)
    assert page.label_values_status.text() == ""
    assert "LABEL_VALUES_UNEXPECTED" not in page.problems.codes()
    assert page.isComplete()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
