"""core.preview: plans rows and verdict, patch size in pixels, and reading preview images."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import SimpleITK as sitk

from nnft.core import preview as pv
from nnft.core.plans import summarize_configuration, transferred_plans

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
NEW_ID = "nnUNetPlans_pretrain_for_Dataset002"


@pytest.fixture
def pair(plans_factory):
    """(fine-tuning plans, what the transfer writes from them)."""
    finetune = plans_factory()
    return finetune, transferred_plans(finetune, PRETRAIN, "nnUNetPlans", NEW_ID)


def rows_of(finetune, transferred, configuration="2d", **kwargs):
    kwargs.setdefault("pretrain_dataset_name", PRETRAIN)
    kwargs.setdefault("plans_identifier", NEW_ID)
    return {r.key: r for r in pv.plans_rows(finetune, transferred, configuration, **kwargs)}


# -- rows and verdict ---------------------------------------------------------------------------
def test_transfer_differs_only_in_identity_rows(pair):
    rows = rows_of(*pair, channels=(1, 1))
    different = {k: r.status for k, r in rows.items() if r.status is not pv.RowStatus.SAME}
    assert different == {k: pv.RowStatus.EXPECTED
                         for k in ("dataset_name", "plans_name", "data_identifier")}
    assert rows["dataset_name"].finetune == FINETUNE
    assert rows["dataset_name"].transferred == PRETRAIN
    for key in ("patch_size", "batch_size", "spacing", "normalization 0", "intensity 0 mean",
                "intensity 0 std", "intensity 0 percentile_00_5", "intensity 0 percentile_99_5",
                "network_class", "n_stages", "stage 0 features", "stage 1 kernel",
                "stage 2 stride", "input_channels", "conv_op", "n_conv_per_stage_decoder"):
        assert key in rows, key
    assert rows["patch_size"].finetune == [48, 48]
    assert rows["intensity 0 percentile_99_5"].transferred == 156.0


def test_identical_architecture_verdict_uses_architecture_key(pair):
    finetune, transferred = pair
    assert summarize_configuration(finetune, "2d").architecture_key == \
        summarize_configuration(transferred, "2d").architecture_key
    verdict = pv.architecture_verdict(finetune, transferred, "2d")
    assert verdict.loads and verdict.kind is pv.VerdictKind.IDENTICAL and not verdict.differing


def test_changed_stride_breaks_weights_and_is_named(pair):
    finetune, transferred = pair
    transferred["configurations"]["2d"]["architecture"]["arch_kwargs"]["strides"][1] = [1, 2]
    rows = rows_of(finetune, transferred)
    assert rows["stage 1 stride"].status is pv.RowStatus.BREAKS_WEIGHTS
    verdict = pv.architecture_verdict(finetune, transferred, "2d", list(rows.values()))
    assert verdict.kind is pv.VerdictKind.DIFFERENT
    assert verdict.differing == ("stage 1 stride",)
    assert not verdict.loads


@pytest.mark.parametrize(("change", "key"), [
    (lambda k: k.update(features_per_stage=[32, 64, 256]), "stage 2 features"),
    (lambda k: k.update(n_conv_per_stage_decoder=[1, 1]), "n_conv_per_stage_decoder"),
    (lambda k: k.update(conv_bias=False), "conv_bias"),
])
def test_other_architecture_changes_are_named(pair, change, key):
    finetune, transferred = pair
    change(transferred["configurations"]["2d"]["architecture"]["arch_kwargs"])
    assert key in pv.architecture_verdict(finetune, transferred, "2d").differing


def test_extra_stage_and_network_class(pair):
    finetune, transferred = pair
    arch = transferred["configurations"]["2d"]["architecture"]
    arch["network_class_name"] = ("dynamic_network_architectures.architectures.unet."
                                  "ResidualEncoderUNet")
    kwargs = arch["arch_kwargs"]
    kwargs.update(n_stages=4, features_per_stage=[32, 64, 128, 256],
                  kernel_sizes=[[3, 3]] * 4, strides=[[1, 1]] + [[2, 2]] * 3,
                  n_conv_per_stage=[2] * 4)
    differing = pv.architecture_verdict(finetune, transferred, "2d").differing
    assert {"network_class", "n_stages", "stage 3 features", "stage 3 stride"} <= set(differing)
    assert rows_of(finetune, transferred)["network_class"].transferred == "ResidualEncoderUNet"


def test_channel_count_breaks_weights(pair):
    verdict = pv.architecture_verdict(*pair, "2d", channels=(1, 2))
    assert verdict.differing == ("input_channels",)


def test_non_architectural_difference_is_amber_not_red(pair):
    finetune, transferred = pair
    transferred["configurations"]["2d"]["batch_size"] = 4
    transferred["foreground_intensity_properties_per_channel"]["0"]["std"] = 99.0
    rows = rows_of(finetune, transferred)
    assert rows["batch_size"].status is pv.RowStatus.DIFFERS
    assert rows["intensity 0 std"].status is pv.RowStatus.DIFFERS
    assert pv.architecture_verdict(finetune, transferred, "2d").loads


def test_wrong_dataset_name_is_flagged(pair):
    finetune, transferred = pair
    hand_copied = copy.deepcopy(finetune)  # copied by hand, dataset_name not edited
    rows = rows_of(finetune, hand_copied)
    assert rows["dataset_name"].status is pv.RowStatus.WRONG_TARGET
    assert rows["plans_name"].status is pv.RowStatus.WRONG_TARGET
    # without an expectation, an equal name is simply "same"
    assert rows_of(finetune, hand_copied, pretrain_dataset_name=None,
                   plans_identifier=None)["dataset_name"].status is pv.RowStatus.SAME


def test_float_noise_is_equal(pair):
    finetune, transferred = pair
    transferred["configurations"]["2d"]["spacing"] = [0.800000011920929, 0.800000011920929]
    assert rows_of(finetune, transferred)["spacing"].status is pv.RowStatus.SAME


def test_missing_transferred_plans(pair):
    finetune, _ = pair
    rows = rows_of(finetune, None)
    assert rows["patch_size"].status is pv.RowStatus.MISSING
    assert rows["patch_size"].finetune == [48, 48]
    assert rows["patch_size"].transferred is None
    verdict = pv.architecture_verdict(finetune, None, "2d")
    assert verdict.kind is pv.VerdictKind.UNAVAILABLE and verdict.missing == "transferred"
    assert pv.architecture_verdict(None, finetune, "2d").missing == "finetune"


def test_missing_configuration(pair, plans_factory):
    finetune, _ = pair
    only_3d = transferred_plans(plans_factory(configurations=("3d_fullres",)), PRETRAIN,
                                "nnUNetPlans", NEW_ID)
    verdict = pv.architecture_verdict(finetune, only_3d, "2d")
    assert verdict.kind is pv.VerdictKind.DIFFERENT and verdict.missing == "configuration"


def test_own_plans_values(pair, plans_factory):
    own = plans_factory(dataset_name=PRETRAIN, patch_size_2d=(56, 56))
    rows = rows_of(*pair, own_plans=own)
    assert rows["patch_size"].own == [56, 56]
    assert rows["batch_size"].own == 12


def test_3d_configurations(plans_factory):
    finetune = plans_factory(configurations=("2d", "3d_fullres", "3d_lowres",
                                             "3d_cascade_fullres"))
    transferred = transferred_plans(finetune, PRETRAIN, "nnUNetPlans", NEW_ID)
    assert pv.architecture_verdict(finetune, transferred, "3d_fullres").loads
    rows = rows_of(finetune, transferred, "3d_cascade_fullres")  # inherits from 3d_fullres
    assert rows["patch_size"].finetune == [32, 48, 48]


def test_format_value():
    assert pv.format_value([48, 48]) == "48 × 48"
    assert pv.format_value([0.800000011920929, 0.8]) == "0.8 × 0.8"
    assert pv.format_value([2, 2, 2], as_shape=False) == "2, 2, 2"
    assert pv.format_value(None) == "—"
    assert pv.format_value(True) == "true"
    assert pv.format_value("torch.nn.modules.conv.Conv2d") == "Conv2d"
    assert pv.format_value("nnUNetPlans_pretrain_for_Dataset002.x") == \
        "nnUNetPlans_pretrain_for_Dataset002.x"
    assert pv.format_value({"eps": 1e-05, "affine": True}) == "eps=1e-05, affine=true"
    assert pv.format_value(118.03370666503906) == "118"


# -- patch size in pixels -------------------------------------------------------------------------
def test_patch_2d_in_coarser_image():
    fp = pv.patch_in_pixels([48, 48], [0.8, 0.8], (1.0, 1.0, 2.5))
    assert fp.rows == pytest.approx(38.4) and fp.cols == pytest.approx(38.4)
    assert (fp.rows_px, fp.cols_px) == (38, 38)
    assert fp.slices is None


def test_patch_2d_same_spacing():
    fp = pv.patch_in_pixels([48, 40], [0.8, 0.5], (0.5, 0.8, 2.0))
    assert (fp.rows, fp.cols) == pytest.approx((48.0, 40.0))


def test_patch_3d_takes_in_plane_part_and_depth():
    fp = pv.patch_in_pixels([32, 48, 64], [2.0, 0.8, 0.5], (1.0, 0.4, 2.5))
    assert fp.rows == pytest.approx(48 * 0.8 / 0.4)
    assert fp.cols == pytest.approx(64 * 0.5 / 1.0)
    assert fp.slices == pytest.approx(32 * 2.0 / 2.5)


def test_patch_with_transpose():
    # nnU-Net moved the image's x axis (array axis 2) first: plans axes are (x, z, y).
    fp = pv.patch_in_pixels([10, 20, 30], [1.0, 1.0, 1.0], (1.0, 1.0, 1.0), (2, 0, 1))
    assert (fp.slices, fp.rows, fp.cols) == pytest.approx((20.0, 30.0, 10.0))


def test_patch_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        pv.patch_in_pixels([48, 48], [0.8, 0.8, 0.8], (1, 1, 1))


# -- images ---------------------------------------------------------------------------------------
def _write(array, spacing, path):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(spacing)
    sitk.WriteImage(image, str(path))
    return path


def test_load_preview_volume_3d(tmp_path):
    image = np.arange(4 * 5 * 6, dtype=np.int16).reshape(4, 5, 6)
    label = np.zeros((4, 5, 6), np.uint8)
    label[2, 1:3, 1:4] = 1
    volume = pv.load_preview_volume(_write(image, (0.7, 0.8, 2.0), tmp_path / "i.nii.gz"),
                                    _write(label, (0.7, 0.8, 2.0), tmp_path / "l.nii.gz"))
    array, lab, spacing = volume  # unpacks as a tuple
    assert array.dtype == np.float32 and array.shape == (4, 5, 6)
    assert array[1, 2, 3] == image[1, 2, 3]
    assert lab is not None and lab.sum() == 6
    assert spacing == pytest.approx((0.7, 0.8, 2.0))
    assert pv.best_slice(lab, 4) == 2


def test_load_preview_volume_2d_and_bad_label(tmp_path):
    image = np.ones((5, 6), np.float32)
    volume = pv.load_preview_volume(_write(image, (0.5, 0.5), tmp_path / "i.nii.gz"),
                                    _write(np.zeros((3, 3), np.uint8), (1, 1),
                                           tmp_path / "l.nii.gz"))
    assert volume.image.shape == (1, 5, 6)
    assert volume.label is None  # wrong shape: dropped, not misdrawn
    assert volume.spacing == pytest.approx((0.5, 0.5, 1.0))
    assert pv.load_preview_volume(tmp_path / "i.nii.gz", tmp_path / "none.nii.gz").label is None


def test_unreadable_label_keeps_the_image(tmp_path):
    (tmp_path / "l.nii.gz").write_bytes(b"broken")
    volume = pv.load_preview_volume(_write(np.ones((2, 3, 4), np.float32), (1, 1, 1),
                                           tmp_path / "i.nii.gz"), tmp_path / "l.nii.gz")
    assert volume.image.shape == (2, 3, 4) and volume.label is None


def test_load_preview_volume_unreadable(tmp_path):
    bad = tmp_path / "bad.nii.gz"
    bad.write_bytes(b"not an image")
    with pytest.raises(RuntimeError):
        pv.load_preview_volume(bad)


def test_window_and_uint8():
    values = np.concatenate([np.full(1000, -1024.0), np.linspace(0, 100, 9000)])
    lo, hi = pv.display_window(values)
    assert lo == -1024.0 and hi == pytest.approx(np.percentile(values, 99))
    grey = pv.to_uint8(np.array([[lo, (lo + hi) / 2, hi, hi + 50]]), (lo, hi))
    assert grey.dtype == np.uint8 and grey.tolist() == [[0, 127, 255, 255]]
    assert pv.display_window(np.zeros(10)) == (0.0, 1.0)
    assert pv.display_window(np.array([np.nan])) == (0.0, 1.0)


def test_best_slice_without_label():
    assert pv.best_slice(None, 9) == 4
    assert pv.best_slice(np.zeros((9, 2, 2)), 9) == 4


def test_first_case_and_candidates(tmp_path):
    cases = {"b": {"images": ["/x/b_0000.nii.gz", "/x/b_0001.nii.gz"], "label": "/y/b.nii.gz"},
             "a": {"images": ["/x/a_0000.nii.gz"], "label": None}}
    assert pv.first_case_files(cases) == ("a", pv.Path("/x/a_0000.nii.gz"), None)
    assert pv.first_case_files({}) is None
    assert pv.own_plans_candidates(tmp_path, "nnUNetPlans", NEW_ID) == [tmp_path /
                                                                       "nnUNetPlans.json"]
    assert pv.own_plans_candidates(tmp_path, "nnUNetResEncUNetMPlans", "nnUNetPlans") == [
        tmp_path / "nnUNetResEncUNetMPlans.json"]


def test_try_load_plans(tmp_path):
    assert pv.try_load_plans(tmp_path / "none.json") == (None, "missing")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    plans, error = pv.try_load_plans(tmp_path / "bad.json")
    assert plans is None and error
    (tmp_path / "ok.json").write_text(json.dumps({"plans_name": "x"}), encoding="utf-8")
    assert pv.try_load_plans(tmp_path / "ok.json") == ({"plans_name": "x"}, None)
