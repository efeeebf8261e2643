"""A cut-off image is shown on the datasets page, which then blocks Next (issue 14, item 1)."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard


def test_datasets_page_shows_a_cut_off_image(make_wizard, quick_state, demo):
    image = demo.root / "nnUNet_raw" / demo.finetune_name / "imagesTr" / "ft_002_0000.nii.gz"
    image.write_bytes(image.read_bytes()[:image.stat().st_size // 2])
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    assert "IMAGE_TRUNCATED" in page.problems.codes()
    problem = next(p for p in page.problems.problems if p.code == "IMAGE_TRUNCATED")
    assert "ft_002_0000.nii.gz" in problem.message
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
