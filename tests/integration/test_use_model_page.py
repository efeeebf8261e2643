"""The wizard's "Use the model" page and the results page's "Export model…" on the demo chain's
real fine-tuned model (``compared_run``: fine-tuned, validated by nnU-Net; nothing is trained
here). The prediction runs nnU-Net's predictor and evaluation on the demo's three held-out
images, on the CPU, without mirroring (about 30 s on 2 cores); the export about 10 s."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import SimpleITK as sitk

from nnft.core.predict import label_volumes_ml
from nnft.core.wizard_state import WizardState, page_availability

from .conftest import CHAIN_OPTIONS

pytestmark = pytest.mark.integration
CASES = ["ft_test_001", "ft_test_002", "ft_test_003"]


def _state(compared_run) -> WizardState:
    return WizardState(workspace=compared_run.ctx.workspace, pretrain="1", finetune="2",
                       options=CHAIN_OPTIONS, check_device=False)


def _overlay_pixels(qimage) -> np.ndarray:
    raw = np.frombuffer(qimage.constBits(), dtype=np.uint8)
    return raw.reshape(qimage.height(), qimage.bytesPerLine())[:, :qimage.width() * 4] \
        .reshape(qimage.height(), qimage.width(), 4)


def test_predict_from_the_page_and_look_at_the_cases(qtbot, compared_run, tmp_path):
    from nnft.gui.pages.use_model_page import UseModelPage
    from nnft.gui.widgets.image_preview import LABEL_COLORS

    state = _state(compared_run)
    assert page_availability(state)["use"].available
    page = UseModelPage(state)
    qtbot.addWidget(page)
    page.resize(1050, 760)
    page.show()
    page.initializePage()
    qtbot.waitUntil(lambda: page.input_edit.text() != "", timeout=20000)
    ctx = compared_run.ctx
    raw = ctx.finetune.raw_dir
    assert page.model_edit.text() == str(ctx.finetune_fold_dir)
    assert page.input_edit.text() == str(raw / "imagesTs")
    assert page.labels_edit.text() == str(raw / "labelsTs")
    output = tmp_path / "predictions"  # the fixture's workspace stays as it is
    page.output_edit.setText(str(output))
    page.disable_tta_check.setChecked(True)
    page.predict()
    qtbot.waitUntil(lambda: page.run is not None and page.is_running(), timeout=30000)
    assert page.cancel_button.isEnabled() and not page.predict_button.isEnabled()
    assert not page.isComplete()
    qtbot.waitUntil(lambda: page.run is not None and not page.is_running(), timeout=300000)
    assert page.result is not None and page.result.ok, page.console.toPlainText()[-3000:]
    assert page.problems_view.codes() == []
    for case in CASES:
        assert (output / f"{case}.nii.gz").is_file()
    assert "done with ft_test_003" in page.console.toPlainText()  # nnU-Net's own output
    assert [page.case_list.item(i).text() for i in range(page.case_list.count())] == CASES
    assert page.case_list.currentRow() == 0

    # The first case in the preview: its prediction is the overlay, pixel by pixel.
    preview = page.preview
    qtbot.waitUntil(lambda: preview.volume is not None and not preview.is_loading(),
                    timeout=20000)
    prediction = sitk.GetArrayFromImage(sitk.ReadImage(str(output / "ft_test_001.nii.gz")))
    image = sitk.GetArrayFromImage(sitk.ReadImage(str(raw / "imagesTs" /
                                                      "ft_test_001_0000.nii.gz")))
    assert np.array_equal(preview.volume.label, prediction)
    assert np.array_equal(preview.volume.image, image.astype(np.float32))
    z = preview.current_slice
    pixels = _overlay_pixels(preview.canvas.overlay)
    assert (pixels[..., 3] == np.where(prediction[z] > 0, 128, 0)).all()  # opacity 50 %
    assert (pixels[prediction[z] == 1][:, :3] == LABEL_COLORS[1][:3]).all()
    assert "organ (1)" in preview.legend.text()  # the model's dataset.json labels

    # Each label's volume: a direct SimpleITK count × the voxel volume.
    qtbot.waitUntil(lambda: bool(page.volumes), timeout=20000)
    spacing = sitk.ReadImage(str(output / "ft_test_001.nii.gz")).GetSpacing()
    expected = np.count_nonzero(prediction == 1) * float(np.prod(spacing)) / 1000
    assert page.volumes == {"organ": pytest.approx(expected)}
    assert f"{expected:.2f} mL" in page.volumes_label.text()
    # The per-label Dice of nnU-Net's evaluation.
    summary = json.loads((output / "summary.json").read_text())
    assert f"{summary['mean']['1']['Dice']:.3f}" in page.dice_label.text()

    # Another case: the preview and the volumes follow.
    page.case_list.setCurrentRow(2)
    qtbot.waitUntil(lambda: preview.title.text() == "ft_test_003" and preview.volume is not None
                    and not preview.is_loading(), timeout=20000)
    third = sitk.GetArrayFromImage(sitk.ReadImage(str(output / "ft_test_003.nii.gz")))
    assert np.array_equal(preview.volume.label, third)
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=20000)
    assert page.volumes == label_volumes_ml(output / "ft_test_003.nii.gz", {"organ": 1})

    # The same output again: refused until "Replace (backup kept)" is ticked.
    page.check()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=20000)
    assert page.problems_view.codes() == ["PREDICTION_EXISTS"]
    assert page.problems_view.has_errors()
    assert "tick \"Replace predictions already there (backup kept)\"" in \
        page.problems_view.problems[0].fix  # the page's control, not the CLI's --overwrite
    page.replace_check.setChecked(True)
    page.check()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=20000)
    assert page.problems_view.codes() == ["PREDICTION_EXISTS"]
    assert not page.problems_view.has_errors() and page.plan.overwrite


def test_export_model_button_writes_the_zip(qtbot, compared_run, tmp_path):
    from nnft.gui.pages.results_page import ResultsPage

    page = ResultsPage(_state(compared_run))
    qtbot.addWidget(page)
    page.show()
    page.initializePage()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60000)
    assert page.export_button.isEnabled()
    ctx = compared_run.ctx
    assert page.export_default_path() == str(
        compared_run.demo.root / f"{ctx.finetune.name}_nnUNetPlans_2d.zip")
    output = tmp_path / "shared model.zip"
    assert page.export_model_to(output) is not None
    assert not page.export_button.isEnabled()
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=120000)
    assert page.export_status.text().startswith("✓ Model exported"), page.export_status.text()
    assert str(output) in page.export_status.text()
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
    folder = f"{ctx.finetune.name}/nnUNetTrainer__nnUNetPlans__2d"
    assert f"{folder}/model_card.md" in names
    assert f"{folder}/fold_0/checkpoint_final.pth" in names
    assert f"{folder}/model_card.md" in page.export_status.text()
    assert page.export_button.isEnabled()
