"""The "Use the model" page without a trained model: its proposals, its gating, the preflight's
problems (core's plan_prediction, run in a worker thread) and the preview's overlay controls.
The real prediction from the page: tests/integration/test_use_model_page.py."""

from __future__ import annotations

import numpy as np
import pytest

from nnft.core.preview import PreviewVolume
from nnft.core.wizard_state import page_availability
from nnft.gui.widgets.image_preview import LABEL_COLORS, ImagePreview, label_color


@pytest.fixture
def state(quick_state, demo):
    quick_state.pretrain = demo.pretrain_name
    quick_state.finetune = demo.finetune_name
    return quick_state


def _page(qtbot, state):
    from nnft.gui.pages.use_model_page import UseModelPage

    page = UseModelPage(state)
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=10000)
    return page


def test_page_proposes_the_chain_model_and_test_images_and_is_gated(qtbot, state, demo):
    page = _page(qtbot, state)
    ctx = state.context()
    raw = demo.raw / demo.finetune_name
    assert page.model_edit.text() == str(ctx.finetune_fold_dir)
    assert page.input_edit.text() == str(raw / "imagesTs")
    assert page.labels_edit.text() == str(raw / "labelsTs")
    output = page.output_edit.text()
    assert output.startswith(str(demo.results / "nnFT" / "predictions" / demo.finetune_name))
    assert not (demo.results / "nnFT" / "predictions").exists()  # proposed, not made
    assert page.device_label.text() == "Device: cpu"
    # Nothing trained: the page may not be entered, and says why.
    use = page_availability(state)["use"]
    assert not use.available and use.reason
    assert not page.isComplete()


def test_check_shows_the_preflight_problems_and_predict_does_not_start(qtbot, state, demo):
    """The demo's fine-tuning is not trained: the proposed model has no checkpoint. Check and
    Predict both show core's MODEL_NOT_FOUND with its fix; nothing runs, nothing is written."""
    page = _page(qtbot, state)
    handle = page.check()
    assert handle is not None
    qtbot.waitUntil(lambda: page.plan is not None, timeout=20000)
    assert page.problems_view.codes() == ["MODEL_NOT_FOUND"]
    assert page.status_label.text().startswith("✗")
    page.predict()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=20000)
    assert page.run is None and not page.is_running()
    assert not (demo.results / "nnFT" / "predictions").exists()
    # An empty required field is named, no check runs.
    page.output_edit.clear()
    assert page.check() is None
    assert page.status_label.text() == "Give the output folder first."


def test_preview_overlay_has_label_colours_legend_and_opacity(qtbot):
    """Each label in its colour at the chosen opacity, the background transparent; the legend
    names the labels."""
    preview = ImagePreview("predictionPreview", overlay_controls=True, patch_caption=False)
    qtbot.addWidget(preview)
    image = np.arange(2 * 6 * 8, dtype=np.float32).reshape(2, 6, 8)
    label = np.zeros((2, 6, 8), dtype=np.int32)
    label[1, 1:3, 2:5] = 1
    label[1, 4, 6] = 2
    preview.set_label_names({0: "background", 1: "liver", 2: "tumour & cyst"})
    preview.set_volume(PreviewVolume(image, label, (0.5, 0.5, 2.0)), "case")
    assert preview.current_slice == 1  # the slice with the most labels
    preview.set_opacity(0.8)

    def overlay() -> np.ndarray:
        qimage = preview.canvas.overlay
        assert qimage is not None
        raw = np.frombuffer(qimage.constBits(), dtype=np.uint8)
        return raw.reshape(qimage.height(), qimage.bytesPerLine())[:, :qimage.width() * 4] \
            .reshape(qimage.height(), qimage.width(), 4)

    pixels = overlay()
    assert (pixels[..., 3] == np.where(label[1] > 0, 204, 0)).all()
    assert (pixels[label[1] == 1][:, :3] == LABEL_COLORS[1][:3]).all()
    assert (pixels[label[1] == 2][:, :3] == LABEL_COLORS[2][:3]).all()
    preview.opacity_slider.setValue(20)  # the user's slider
    assert (overlay()[..., 3] == np.where(label[1] > 0, 51, 0)).all()
    legend = preview.legend.text()
    assert "liver (1)" in legend and "tumour &amp; cyst (2)" in legend
    assert "background (0)" not in legend
    assert label_color(2).name() in legend
    assert preview.caption.text() == "Image spacing 0.5 mm."
