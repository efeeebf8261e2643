"""Page 4, "Validate transferred plans": table, verdict and image previews on the demo workspace.

Uses a copy of a demo workspace where the chain has run when ``$NNFT_DEMO_WS`` names one;
otherwise the same layout is written here: the demo datasets, fine-tuning plans shaped like
nnU-Net's, and the plans the transfer makes from them.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QSlider

from nnft.core import preview as pv
from nnft.core.plans import transferred_plans
from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace
from nnft.gui.pages.validation_page import ValidationPage
from nnft.gui.widgets.image_preview import ImagePreview
from nnft.gui.widgets.plans_table import STATUS_COLORS, PlansTable

DEMO_WS = Path(os.environ.get("NNFT_DEMO_WS", "/nonexistent-nnft-demo"))
PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
NEW_ID = "nnUNetPlans_pretrain_for_Dataset002"
GREEN, AMBER, RED = (STATUS_COLORS[s][0] for s in (pv.RowStatus.SAME, pv.RowStatus.EXPECTED,
                                                   pv.RowStatus.BREAKS_WEIGHTS))


def _demo_finetune_plans() -> dict:
    """What nnU-Net 2.8.1 plans for the demo fine-tuning dataset (2d and 3d_fullres)."""
    def architecture(dim: int) -> dict:
        n = 4
        return {
            "network_class_name": "dynamic_network_architectures.architectures.unet.PlainConvUNet",
            "arch_kwargs": {
                "n_stages": n, "features_per_stage": [32, 64, 128, 256],
                "conv_op": f"torch.nn.modules.conv.Conv{dim}d",
                "kernel_sizes": [[3] * dim] * n, "strides": [[1] * dim] + [[2] * dim] * (n - 1),
                "n_conv_per_stage": [2] * n, "n_conv_per_stage_decoder": [2] * (n - 1),
                "conv_bias": True,
                "norm_op": f"torch.nn.modules.instancenorm.InstanceNorm{dim}d",
                "norm_op_kwargs": {"eps": 1e-05, "affine": True},
                "dropout_op": None, "dropout_op_kwargs": None,
                "nonlin": "torch.nn.LeakyReLU", "nonlin_kwargs": {"inplace": True},
            },
            "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"],
        }

    common = {"preprocessor_name": "DefaultPreprocessor",
              "normalization_schemes": ["CTNormalization"], "use_mask_for_norm": [False]}
    return {
        "dataset_name": FINETUNE, "plans_name": "nnUNetPlans",
        "image_reader_writer": "SimpleITKIO",
        "transpose_forward": [0, 1, 2], "transpose_backward": [0, 1, 2],
        "configurations": {
            "2d": {"data_identifier": "nnUNetPlans_2d", "batch_size": 10, "patch_size": [48, 48],
                   "spacing": [0.8, 0.8], **common, "architecture": architecture(2)},
            "3d_fullres": {"data_identifier": "nnUNetPlans_3d_fullres", "batch_size": 2,
                           "patch_size": [32, 48, 48], "spacing": [2.0, 0.8, 0.8], **common,
                           "architecture": architecture(3)},
        },
        "foreground_intensity_properties_per_channel": {"0": {
            "max": 157.0, "mean": 118.03, "median": 118.0, "min": 78.0,
            "percentile_00_5": 90.0, "percentile_99_5": 145.0, "std": 10.86}},
    }


def _write_workspace(root: Path) -> None:
    from nnft.core.demo import write_demo_workspace

    write_demo_workspace(root)
    finetune = _demo_finetune_plans()
    for name, plans in ((f"{FINETUNE}/nnUNetPlans.json", finetune),
                        (f"{PRETRAIN}/{NEW_ID}.json",
                         transferred_plans(finetune, PRETRAIN, "nnUNetPlans", NEW_ID))):
        path = root / "nnUNet_preprocessed" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plans, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("validation") / "ws"
    if (DEMO_WS / "nnUNet_preprocessed" / PRETRAIN / f"{NEW_ID}.json").is_file():
        # Only what the page reads: raw data and plans, not preprocessed arrays or results.
        shutil.copytree(DEMO_WS, root, ignore=shutil.ignore_patterns(
            "nnUNet_results", "*.b2nd", "*.pkl", "*.npz", "*.npy"))
        (root / "nnUNet_results").mkdir()
    else:
        _write_workspace(root)
    return root


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    """A private copy each test may change."""
    root = tmp_path / "ws"
    shutil.copytree(template, root)
    return root


def make_state(root: Path, configuration: str = "2d") -> WizardState:
    return WizardState(workspace=Workspace.from_root(root), pretrain="1", finetune="2",
                       options=RunOptions(configuration=configuration, plans_name=NEW_ID,
                                          device="cpu"),
                       check_device=False)


def make_page(qtbot, state: WizardState) -> ValidationPage:
    page = ValidationPage(state)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.initializePage()
    # The previews read their case in a worker thread.
    qtbot.waitUntil(lambda: not page.previews_loading(), timeout=30000)
    return page


def transferred_file(root: Path) -> Path:
    return root / "nnUNet_preprocessed" / PRETRAIN / f"{NEW_ID}.json"


def edit_plans(path: Path, change) -> None:
    plans = json.loads(path.read_text(encoding="utf-8"))
    change(plans)
    path.write_text(json.dumps(plans), encoding="utf-8")


# -- table and verdict ----------------------------------------------------------------------------
def test_identical_architecture_gives_green_verdict(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace))
    assert page.objectName() == "validationPage"
    verdict = page.findChild(QLabel, "architectureVerdict")
    assert verdict.text().count("identical") == 1 and "will load" in verdict.text()
    assert "#e3f4e5" in verdict.styleSheet()  # green banner
    assert page.verdict().loads
    table = page.findChild(PlansTable, "plansTable")
    for key in ("patch_size", "batch_size", "spacing", "normalization 0", "intensity 0 mean",
                "intensity 0 percentile_00_5", "network_class", "stage 3 stride"):
        assert table.status_of(key) is pv.RowStatus.SAME, key
        assert table.background(key, PlansTable.TRANSFERRED) == GREEN
    assert table.text("patch_size", PlansTable.FINETUNE) == "48 × 48"
    assert table.text("patch_size", PlansTable.MEANING) == "Identical"
    assert not page.findChild(QLabel, "validationNotes").isVisibleTo(page)


def test_dataset_name_is_an_expected_difference(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace))
    table = page.table
    for key in ("dataset_name", "plans_name", "data_identifier"):
        assert table.status_of(key) is pv.RowStatus.EXPECTED
        assert table.background(key, PlansTable.MEANING) == AMBER
        assert table.text(key, PlansTable.MEANING).startswith("Expected")
    assert table.text("dataset_name", PlansTable.FINETUNE) == FINETUNE
    assert table.text("dataset_name", PlansTable.TRANSFERRED) == PRETRAIN
    assert table.horizontalHeaderItem(PlansTable.MEANING).text() == "Meaning"
    assert page.verdict().loads  # names differ by design; the verdict stays green


def test_changed_stride_gives_red_verdict_naming_it(qtbot, workspace):
    def change(plans):
        plans["configurations"]["2d"]["architecture"]["arch_kwargs"]["strides"][2] = [1, 2]

    edit_plans(transferred_file(workspace), change)
    page = make_page(qtbot, make_state(workspace))
    text = page.verdict_label.text()
    assert "Stage 2 stride" in text and "NOT load" in text
    assert "#fbe0dd" in page.verdict_label.styleSheet()  # red banner
    assert page.verdict().differing == ("stage 2 stride",)
    assert page.table.status_of("stage 2 stride") is pv.RowStatus.BREAKS_WEIGHTS
    assert page.table.background("stage 2 stride", PlansTable.TRANSFERRED) == RED
    assert page.table.text("stage 2 stride", PlansTable.TRANSFERRED) == "1 × 2"
    assert "NOT load" in page.table.text("stage 2 stride", PlansTable.MEANING)


def test_non_architectural_change_is_a_note_not_a_red_verdict(qtbot, workspace):
    edit_plans(transferred_file(workspace),
               lambda p: p["configurations"]["2d"].update(batch_size=3))
    page = make_page(qtbot, make_state(workspace))
    assert page.verdict().loads
    assert page.table.status_of("batch_size") is pv.RowStatus.DIFFERS
    notes = page.findChild(QLabel, "validationNotes")
    assert notes.isVisibleTo(page) and "Batch size" in notes.text()


def test_missing_transferred_plans_shows_a_helpful_message(qtbot, workspace):
    transferred_file(workspace).unlink()
    page = make_page(qtbot, make_state(workspace))
    text = page.verdict_label.text()
    assert "does not exist yet" in text and "transfer" in text
    assert page.verdict().missing == "transferred"
    assert page.table.text("patch_size", PlansTable.FINETUNE) == "48 × 48"
    assert page.table.status_of("patch_size") is pv.RowStatus.MISSING
    # the preview still shows the patch, taken from the fine-tuning plans
    assert page.pretrain_preview.volume is not None
    assert "fine-tuning plans" in page.pretrain_preview.caption.text()


def test_unreadable_transferred_plans(qtbot, workspace):
    transferred_file(workspace).write_text("{ not json", encoding="utf-8")
    page = make_page(qtbot, make_state(workspace))
    assert "could not be read" in page.verdict_label.text()


def test_missing_configuration_is_red(qtbot, workspace):
    edit_plans(transferred_file(workspace), lambda p: p["configurations"].pop("2d"))
    page = make_page(qtbot, make_state(workspace))
    assert "missing" in page.verdict_label.text() and not page.verdict().loads


def test_no_datasets_chosen(qtbot):
    page = make_page(qtbot, WizardState(check_device=False))
    assert "Choose a workspace" in page.verdict_label.text()
    assert page.table.rowCount() == 0
    assert page.verdict() is None


def test_workspace_problem_is_explained(qtbot, workspace):
    shutil.rmtree(workspace / "nnUNet_results")
    page = make_page(qtbot, make_state(workspace))
    assert "nnUNet_results" in page.verdict_label.text()
    assert page.verdict() is None


def test_own_plans_column(qtbot, workspace):
    own = json.loads(transferred_file(workspace).read_text(encoding="utf-8"))
    own.update(dataset_name=PRETRAIN, plans_name="nnUNetPlans")
    own["configurations"]["2d"].update(patch_size=[56, 56], data_identifier="nnUNetPlans_2d")
    (workspace / "nnUNet_preprocessed" / PRETRAIN / "nnUNetPlans.json").write_text(
        json.dumps(own), encoding="utf-8")
    page = make_page(qtbot, make_state(workspace))
    table = page.table
    assert not table.isColumnHidden(PlansTable.OWN)
    assert table.text("patch_size", PlansTable.OWN) == "56 × 56"
    assert "56 × 56" in table.item(table.row_for_key("patch_size"), PlansTable.OWN).toolTip()


def test_own_plans_column_hidden_without_them(qtbot, workspace):
    own = workspace / "nnUNet_preprocessed" / PRETRAIN / "nnUNetPlans.json"
    own.unlink(missing_ok=True)
    page = make_page(qtbot, make_state(workspace))
    assert page.table.isColumnHidden(PlansTable.OWN)


def test_reload_reads_the_files_again(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace))
    assert page.verdict().loads
    edit_plans(transferred_file(workspace), lambda p: p["configurations"]["2d"]["architecture"]
               ["arch_kwargs"].update(features_per_stage=[16, 64, 128, 256]))
    page.reload_button.click()
    assert page.verdict().differing == ("stage 0 features",)


# -- image previews -------------------------------------------------------------------------------
def test_previews_load_and_slider_changes_slice(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace))
    previews = page.findChildren(ImagePreview)
    assert {p.objectName() for p in previews} == {"pretrainPreview", "finetunePreview"}
    assert all(p.property("role") == "imagePreview" for p in previews)
    preview = page.findChild(ImagePreview, "finetunePreview")
    assert preview.volume is not None and preview.volume.label is not None
    depth = preview.volume.image.shape[0]
    slider = page.findChild(QSlider, "finetunePreviewSlider")
    assert slider.isEnabled() and slider.maximum() == depth - 1
    start = slider.value()
    assert preview.volume.label[start].any()  # opens on a slice with labels
    before = preview.canvas.grey.copy()
    slider.setValue(0 if start else depth - 1)
    assert preview.current_slice == slider.value() != start
    assert preview.canvas.grey != before
    assert preview.findChild(QLabel, "finetunePreviewSliceLabel").text() == \
        f"slice {slider.value() + 1} / {depth}"
    assert PRETRAIN in page.pretrain_preview.title.text()


def test_patch_rectangle_matches_computed_pixels(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace))
    pre, fine = page.pretrain_preview, page.finetune_preview
    # pretraining images are 1.0 mm in-plane, the plans' target spacing 0.8 mm
    expected = pv.patch_in_pixels([48, 48], [0.8, 0.8], pre.volume.spacing)
    rect = pre.patch_rect()
    assert rect.width() == pytest.approx(expected.cols) == pytest.approx(38.4, rel=1e-3)
    assert rect.height() == pytest.approx(expected.rows)
    rows, cols = pre.volume.image.shape[1:]
    assert rect.center().x() == pytest.approx(cols / 2) and rect.center().y() == pytest.approx(
        rows / 2)
    assert "patch 48 × 48 at 0.8 mm → 38 × 38 px here" in pre.caption.text()
    assert fine.patch_rect().width() == pytest.approx(48, rel=1e-3)
    assert page.findChild(QLabel, "finetunePreviewCaption").text().startswith(
        "patch 48 × 48 at 0.8 mm → 48 × 48 px here")


def test_3d_configuration_caption(qtbot, workspace):
    page = make_page(qtbot, make_state(workspace, "3d_fullres"))
    caption = page.pretrain_preview.caption.text()
    assert "patch 32 × 48 × 48" in caption and "38 × 38 px × 26 slices" in caption


def test_unreadable_image_shows_message(qtbot, workspace):
    first = sorted((workspace / "nnUNet_raw" / FINETUNE / "imagesTr").glob("*_0000.nii.gz"))[0]
    first.write_bytes(b"broken")
    page = make_page(qtbot, make_state(workspace))
    preview = page.finetune_preview
    assert preview.volume is None and "Could not read" in preview.canvas.message
    assert not preview.slider.isEnabled()


def test_page_renders(qtbot, workspace, tmp_path):
    page = make_page(qtbot, make_state(workspace))
    page.show()
    qtbot.waitExposed(page)
    image = page.grab().toImage()
    assert image.width() == 1100 and image.height() == 800
    assert page.grab().save(str(tmp_path / "page.png"))


def test_previews_say_loading_until_the_case_is_read(qtbot, workspace):
    page = ValidationPage(make_state(workspace))
    qtbot.addWidget(page)
    page.initializePage()
    preview = page.finetune_preview
    assert preview.is_loading()
    assert preview.volume is None and preview.canvas.message == "Loading…"
    assert PRETRAIN in page.pretrain_preview.title.text()  # the title is there at once
    qtbot.waitUntil(lambda: not page.previews_loading(), timeout=30000)
    assert preview.volume is not None and preview.canvas.grey is not None


def test_a_newer_case_supersedes_one_still_being_read(qtbot, workspace):
    images = sorted((workspace / "nnUNet_raw" / FINETUNE / "imagesTr").glob("*_0000.nii.gz"))
    preview = ImagePreview("finetunePreview")
    qtbot.addWidget(preview)
    first = preview.load("first", images[0], None)
    second = preview.load("second", images[-1], None)
    assert first.cancelled and second.running
    qtbot.waitUntil(lambda: not preview.is_loading(), timeout=30000)
    preview.background.wait(30)
    assert preview.title.text() == "second" and preview.volume is not None
    # A message shown meanwhile is not overwritten by a read that was still under way.
    late = preview.load("late", images[0], None)
    preview.show_message("No dataset to show.")
    assert late.cancelled
    preview.background.wait(30)
    assert preview.volume is None and preview.canvas.message == "No dataset to show."


def test_the_default_identifier_is_expected_when_none_was_typed(qtbot, workspace):
    """A new wizard (nnft-wizard --demo) leaves the identifier empty until one is typed; the
    chain then uses the default name, and the page must compare with that, not with ''."""
    state = make_state(workspace)
    state.with_options(plans_name="")
    page = make_page(qtbot, state)
    assert page.table.status_of("plans_name") is pv.RowStatus.EXPECTED
    assert page.table.text("plans_name", PlansTable.MEANING).startswith("Expected")
