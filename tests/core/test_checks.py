"""Preflight (nnft.core.checks): one test per problem code it can produce, proof that it never
raises and never writes, and the exact argv of every step of the chain it prepares.

Every scenario starts from a private copy of the demo workspace (``demo`` fixture) and changes
just enough to provoke one problem. States that normally need an nnU-Net planning run (plans,
preprocessed data, results folders) are written by hand in nnU-Net's layout.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
import SimpleITK as sitk
from hypothesis import given, settings
from hypothesis import strategies as st

from nnft.core import machine
from nnft.core import problems as P
from nnft.core.checks import check_device, check_options, preflight
from nnft.core.demo import write_demo_workspace
from nnft.core.plans import transferred_plans
from nnft.core.problems import Severity
from nnft.core.steps import (
    QUICK_TRIAL_TRAINER,
    RUN_MARKER,
    STEPS,
    RunOptions,
    build_chain,
)
from nnft.core.workspace import Workspace
from tests.conftest import put_label_value

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Codes only ``nnft check-weights`` produces (they need a checkpoint), not preflight.
WEIGHTS_CODES = {P.WEIGHTS_UNREADABLE, P.WEIGHTS_ARCH_MISMATCH, P.WEIGHTS_CHANNEL_MISMATCH}


# -- the code list itself ----------------------------------------------------------------------
def test_codes_are_stable_strings() -> None:
    assert len(set(P.ALL_CODES)) == len(P.ALL_CODES)
    for code in P.ALL_CODES:
        # The value is the contract (`nnft check --json`): it must equal the constant's name.
        assert getattr(P, code) == code


def test_every_preflight_code_has_a_test_here() -> None:
    """Each code preflight can produce appears in an ``expect(..., P.CODE, ...)`` call of this
    module; a new code without a test fails here."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    asserted = {
        node.args[1].attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "expect" and len(node.args) > 1
        and isinstance(node.args[1], ast.Attribute)
    }
    assert asserted <= set(P.ALL_CODES)
    # The cluster path's codes come from the slurm package, not from preflight (tests/slurm,
    # tests/gui/test_cluster_page.py).
    cluster = {code for code in P.ALL_CODES if P.stage_of(code) == "cluster"}
    assert set(P.ALL_CODES) - WEIGHTS_CODES - cluster - asserted == set()


def test_clean_demo_has_only_infos(demo) -> None:
    result = demo.preflight()
    assert result.ok
    assert sorted(result.codes()) == [P.FINGERPRINT_MISSING, P.LABELS_DIFFER]
    assert result.context is not None
    assert (result.pretrain.name, result.finetune.name) == (PRETRAIN, FINETUNE)


# -- ENV_* ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["raw", "preprocessed", "results"])
def test_env_not_set(demo, expect, missing: str) -> None:
    workspace = dataclasses.replace(demo.workspace, **{missing: None})
    result = demo.preflight(workspace=workspace)
    expect(result, P.ENV_NOT_SET, ERROR, f"nnUNet_{missing}")
    assert result.codes() == [P.ENV_NOT_SET]
    assert result.context is None and not result.ok


@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_not_set_from_environment(demo, expect, monkeypatch, value: str | None) -> None:
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    result = demo.preflight(workspace=Workspace.from_environment())
    assert result.codes() == [P.ENV_NOT_SET] * 3
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        expect(result, P.ENV_NOT_SET, ERROR, variable)


def test_env_folder_missing(demo, expect) -> None:
    shutil.rmtree(demo.results)
    result = demo.preflight()
    problem = expect(result, P.ENV_FOLDER_MISSING, ERROR, "nnUNet_results", str(demo.results),
                     "does not exist")
    assert str(demo.results) in problem.fix
    assert not demo.results.exists(), "preflight must not create the folder"


def test_env_folder_is_a_file(demo, expect) -> None:
    shutil.rmtree(demo.preprocessed)
    demo.preprocessed.write_text("not a folder")
    result = demo.preflight()
    expect(result, P.ENV_FOLDER_MISSING, ERROR, "nnUNet_preprocessed", "is a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders, so "
                    "os.access reports them writable; the monkeypatched test below covers it")
def test_env_folder_not_writable_chmod(demo, expect) -> None:
    demo.results.chmod(0o555)
    try:
        result = demo.preflight()
    finally:
        demo.results.chmod(0o755)
    expect(result, P.ENV_FOLDER_NOT_WRITABLE, ERROR, "nnUNet_results", str(demo.results))


def test_env_folder_not_writable(demo, expect, find, monkeypatch) -> None:
    real_access = os.access
    read_only = {str(demo.preprocessed), str(demo.raw)}

    def access(path, mode, *args, **kwargs):
        if str(path) in read_only and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = demo.preflight()
    expect(result, P.ENV_FOLDER_NOT_WRITABLE, ERROR, "nnUNet_preprocessed",
           str(demo.preprocessed))
    # nnU-Net never writes into nnUNet_raw: a read-only raw folder is fine.
    assert len(find(result, P.ENV_FOLDER_NOT_WRITABLE)) == 1


# -- DATASET_NOT_FOUND / DATASET_ID_AMBIGUOUS / SAME_DATASET -----------------------------------
@pytest.mark.parametrize(("reference", "needle"), [
    (5, "Dataset005_*"),
    ("5", "Dataset005_*"),
    ("Dataset001_Wrong", "Dataset001_Wrong"),
    ("Heart", "'Heart'"),
    (0, "'0'"),
    ("1000", "'1000'"),
    ("", "''"),
    ("-1", "'-1'"),
])
def test_dataset_not_found(demo, expect, reference, needle: str) -> None:
    result = demo.preflight(pretrain=reference)
    expect(result, P.DATASET_NOT_FOUND, ERROR, needle, "pretraining")
    assert result.context is None


def test_dataset_not_found_fine_tuning_role(demo, expect) -> None:
    result = demo.preflight(finetune=42)
    expect(result, P.DATASET_NOT_FOUND, ERROR, "Dataset042_*", "fine-tuning")


def test_dataset_only_preprocessed_has_no_raw(demo, expect) -> None:
    (demo.preprocessed / "Dataset007_OnlyPlanned").mkdir()
    result = demo.preflight(pretrain=7)
    expect(result, P.DATASET_NOT_FOUND, ERROR, "Dataset007_OnlyPlanned",
           str(demo.raw / "Dataset007_OnlyPlanned"))


@pytest.mark.parametrize("root", ["preprocessed", "results"])
def test_dataset_id_ambiguous(demo, expect, root: str) -> None:
    stale = getattr(demo, root) / "Dataset001_OldName"
    stale.mkdir()
    result = demo.preflight()
    expect(result, P.DATASET_ID_AMBIGUOUS, ERROR, "Dataset001_OldName", PRETRAIN,
           str(getattr(demo, root)), "Dataset id 1")
    assert result.context is None


def test_same_name_in_all_roots_is_not_ambiguous(demo, find) -> None:
    demo.pretrain_pre.mkdir()
    (demo.results / PRETRAIN).mkdir()
    assert find(demo.preflight(), P.DATASET_ID_AMBIGUOUS) == []


@pytest.mark.parametrize("finetune", [1, "001", PRETRAIN])
def test_same_dataset(demo, expect, finetune) -> None:
    result = demo.preflight(pretrain=1, finetune=finetune)
    expect(result, P.SAME_DATASET, ERROR, PRETRAIN)
    assert result.context is None


# -- DATASET_JSON_INVALID ----------------------------------------------------------------------
def _rewrite(change):
    def apply(dataset_dir: Path) -> None:
        path = dataset_dir / "dataset.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return apply


def _write_text(text: str):
    return lambda dataset_dir: (dataset_dir / "dataset.json").write_text(text, encoding="utf-8")


INVALID_DATASET_JSON = {
    "malformed": (_write_text('{"labels": {"background": 0,'), "not valid JSON"),
    "not_an_object": (_write_text("[1, 2]"), "found list"),
    "not_utf8": (lambda d: (d / "dataset.json").write_bytes(b'{"name": "\xff\xfe"}'),
                 "not UTF-8"),
    "no_file": (lambda d: (d / "dataset.json").unlink(), "does not exist"),
    "no_numTraining": (_rewrite(lambda j: j.pop("numTraining")), "'numTraining' is missing"),
    "no_channel_names": (_rewrite(lambda j: j.pop("channel_names")),
                         "'channel_names' is missing"),
    "no_file_ending": (_rewrite(lambda j: j.pop("file_ending")), "'file_ending' is missing"),
    "label_text": (_rewrite(lambda j: j["labels"].update(organ="one")),
                   "label 'organ' has the value 'one'"),
    "label_float": (_rewrite(lambda j: j["labels"].update(lesion=2.5)), "2.5"),
    "labels_gap": (_rewrite(lambda j: j["labels"].update(lesion=3)), "[0, 1, 3]"),
    "no_background": (_rewrite(lambda j: j["labels"].pop("background")), "background"),
    "background_not_0": (_rewrite(lambda j: j["labels"].update(background=1, organ=0)),
                         "background"),
    "labels_empty": (_rewrite(lambda j: j.update(labels={})), "'labels'"),
    "ignore_not_highest": (_rewrite(lambda j: j["labels"].update(ignore=5)), "ignore"),
    "channel_keys": (_rewrite(lambda j: j.update(channel_names={"1": "CT"})), "['1']"),
    "channel_empty_name": (_rewrite(lambda j: j.update(channel_names={"0": " "})),
                           "channel name"),
    "numTraining_text": (_rewrite(lambda j: j.update(numTraining="12")), "'12'"),
    "numTraining_zero": (_rewrite(lambda j: j.update(numTraining=0)), "found 0"),
    "file_ending_no_dot": (_rewrite(lambda j: j.update(file_ending="nii.gz")), "'nii.gz'"),
    "regions_without_order": (_rewrite(lambda j: j["labels"].update(lesion=[1, 2])),
                              "regions_class_order"),
}


@pytest.mark.parametrize("case", sorted(INVALID_DATASET_JSON))
def test_dataset_json_invalid(demo, expect, case: str) -> None:
    change, needle = INVALID_DATASET_JSON[case]
    change(demo.pretrain_raw)
    result = demo.preflight()
    expect(result, P.DATASET_JSON_INVALID, ERROR, needle,
           str(demo.pretrain_raw / "dataset.json"))
    assert result.context is None and not result.ok
    assert result.pretrain is not None and result.pretrain.dataset_json is None


def test_dataset_json_invalid_in_finetune_dataset(demo, expect) -> None:
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.pop("labels"))
    result = demo.preflight()
    expect(result, P.DATASET_JSON_INVALID, ERROR, "'labels' is missing",
           str(demo.finetune_raw / "dataset.json"))


def test_legacy_modality_key_is_accepted(demo, find) -> None:
    demo.edit_dataset_json(demo.pretrain_raw,
                           lambda j: j.update(modality=j.pop("channel_names")))
    result = demo.preflight()
    assert find(result, P.DATASET_JSON_INVALID) == []
    assert result.ok


# -- DATASET_FILES_MISSING ---------------------------------------------------------------------
def test_files_missing_wrong_num_training(demo, expect) -> None:
    demo.edit_dataset_json(demo.pretrain_raw, lambda j: j.update(numTraining=13))
    result = demo.preflight()
    problem = expect(result, P.DATASET_FILES_MISSING, ERROR, PRETRAIN, "numTraining=13",
                     "12 cases")
    assert "12" in problem.fix


def test_files_missing_label(demo, expect) -> None:
    label = demo.pretrain_raw / "labelsTr" / "pt_003.nii.gz"
    label.unlink()
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, PRETRAIN, str(label))


def test_files_missing_image(demo, expect) -> None:
    (demo.finetune_raw / "imagesTr" / "ft_004_0000.nii.gz").unlink()
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, FINETUNE, "numTraining=6", "5 cases")


def test_files_missing_image_listed_in_dataset_key(demo, expect) -> None:
    """An explicit ``dataset`` entry (nnU-Net honours it) naming an image that is not there."""
    def explicit(data: dict) -> None:
        data["dataset"] = {
            f"ft_{i:03d}": {"images": [f"imagesTr/ft_{i:03d}_0000.nii.gz"],
                            "label": f"labelsTr/ft_{i:03d}.nii.gz"}
            for i in range(1, 7)
        }
        data["dataset"]["ft_002"]["images"] = ["imagesTr/gone_0000.nii.gz"]

    demo.edit_dataset_json(demo.finetune_raw, explicit)
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, FINETUNE,
           str(demo.finetune_raw / "imagesTr" / "gone_0000.nii.gz"))


def test_files_missing_unlistable_dataset_key(demo, expect) -> None:
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.update(dataset=["not", "a", "map"]))
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, FINETUNE, "cannot list")


def test_files_missing_channel_file(demo, expect) -> None:
    demo.edit_dataset_json(demo.finetune_raw,
                           lambda j: j.update(channel_names={"0": "CT", "1": "CT"}))
    images = demo.finetune_raw / "imagesTr"
    for i in range(1, 6):  # ft_006 keeps only its _0000 file
        shutil.copy(images / f"ft_{i:03d}_0000.nii.gz", images / f"ft_{i:03d}_0001.nii.gz")
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, FINETUNE, "exactly 2 channel", "ft_006")


def test_files_missing_no_images_with_that_ending(demo, expect) -> None:
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.update(file_ending=".nrrd"))
    result = demo.preflight()
    expect(result, P.DATASET_FILES_MISSING, ERROR, FINETUNE, ".nrrd",
           str(demo.finetune_raw / "imagesTr"))


# -- dataset compatibility ---------------------------------------------------------------------
def test_channel_count_mismatch(demo, expect, find) -> None:
    demo.edit_dataset_json(demo.finetune_raw,
                           lambda j: j.update(channel_names={"0": "CT", "1": "CT_late"}))
    images = demo.finetune_raw / "imagesTr"
    for i in range(1, 7):
        shutil.copy(images / f"ft_{i:03d}_0000.nii.gz", images / f"ft_{i:03d}_0001.nii.gz")
    result = demo.preflight()
    assert find(result, P.DATASET_FILES_MISSING) == []
    expect(result, P.CHANNEL_COUNT_MISMATCH, ERROR, PRETRAIN, FINETUNE, "1 input channel",
           "has 2", "CT_late")


def test_channel_name_mismatch_ct_vs_mri(demo, expect) -> None:
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.update(channel_names={"0": "MRI"}))
    result = demo.preflight()
    expect(result, P.CHANNEL_NAME_MISMATCH, WARNING, "'CT'", "'MRI'", PRETRAIN, FINETUNE)
    assert result.ok  # a warning does not block


def test_channel_name_mismatch_same_normalization_is_info(demo, expect) -> None:
    demo.edit_dataset_json(demo.pretrain_raw, lambda j: j.update(channel_names={"0": "T1"}))
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.update(channel_names={"0": "T2"}))
    result = demo.preflight()
    expect(result, P.CHANNEL_NAME_MISMATCH, INFO, "'T1'", "'T2'")


def test_channel_name_case_is_not_a_mismatch(demo, find) -> None:
    # nnU-Net maps channel names to normalizations case-insensitively ("ct" is CT).
    demo.edit_dataset_json(demo.finetune_raw, lambda j: j.update(channel_names={"0": "ct"}))
    assert find(demo.preflight(), P.CHANNEL_NAME_MISMATCH) == []


def _convert_to_nrrd(dataset_dir: Path) -> None:
    for folder in ("imagesTr", "labelsTr"):
        for path in sorted((dataset_dir / folder).glob("*.nii.gz")):
            image = sitk.ReadImage(str(path))
            sitk.WriteImage(image, str(path.with_name(path.name[:-len(".nii.gz")] + ".nrrd")))
            path.unlink()
    data = json.loads((dataset_dir / "dataset.json").read_text(encoding="utf-8"))
    data["file_ending"] = ".nrrd"
    (dataset_dir / "dataset.json").write_text(json.dumps(data), encoding="utf-8")


def test_file_ending_mismatch(demo, expect, find) -> None:
    _convert_to_nrrd(demo.finetune_raw)
    result = demo.preflight()
    assert find(result, P.DATASET_FILES_MISSING) == []
    expect(result, P.FILE_ENDING_MISMATCH, WARNING, "'.nii.gz'", "'.nrrd'", PRETRAIN, FINETUNE)
    assert result.ok


def test_labels_differ_is_info(demo, expect) -> None:
    result = demo.preflight()
    expect(result, P.LABELS_DIFFER, INFO, "lesion", PRETRAIN, FINETUNE)


def test_same_labels_do_not_differ(demo, find) -> None:
    demo.edit_dataset_json(demo.finetune_raw,
                           lambda j: j.update(labels={"background": 0, "organ": 1, "lesion": 2}))
    assert find(demo.preflight(), P.LABELS_DIFFER) == []


# -- options ---------------------------------------------------------------------------------
@pytest.mark.parametrize("configuration", ["3d_cascade_fullres", "3d", "2D", ""])
def test_config_not_available_option(demo, expect, configuration: str) -> None:
    result = demo.preflight(configuration=configuration)
    problem = expect(result, P.CONFIG_NOT_AVAILABLE, ERROR, f"'{configuration}'")
    assert "3d_fullres" in problem.fix


def test_config_not_available_in_finetune_plans(demo, expect) -> None:
    demo.write_finetune_plans(configurations=("2d",))
    result = demo.preflight(configuration="3d_fullres")
    problem = expect(result, P.CONFIG_NOT_AVAILABLE, ERROR, "'3d_fullres'",
                     str(demo.finetune_pre / "nnUNetPlans.json"), FINETUNE)
    assert "2d" in problem.fix


@pytest.mark.parametrize("fold", ["5", "-1", "fold_0", "ALL", ""])
def test_fold_invalid(demo, expect, fold: str) -> None:
    result = demo.preflight(fold=fold)
    expect(result, P.FOLD_INVALID, ERROR, f"'{fold}'")


@pytest.mark.parametrize("fold", ["0", "4", "all"])
def test_fold_valid(demo, find, fold: str) -> None:
    assert find(demo.preflight(fold=fold), P.FOLD_INVALID) == []


def test_device_unknown(expect) -> None:
    expect(check_options(RunOptions(device="tpu")), P.DEVICE_NOT_AVAILABLE, ERROR, "'tpu'")


def test_device_cuda_without_gpu(expect, monkeypatch) -> None:
    monkeypatch.setattr(machine, "detect_cuda_gpus", lambda *a, **k: [])
    problem = expect(check_device("cuda"), P.DEVICE_NOT_AVAILABLE, ERROR, "'cuda'")
    assert "cpu" in problem.fix
    assert check_device("cpu") == []


def test_device_cuda_with_gpu(monkeypatch) -> None:
    monkeypatch.setattr(machine, "detect_cuda_gpus",
                        lambda *a, **k: [machine.GpuInfo(0, "Fake GPU", 1024)])
    assert check_device("cuda") == []


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="this machine has nvidia-smi")
def test_device_cuda_real_machine_without_gpu(expect) -> None:
    expect(check_device("cuda"), P.DEVICE_NOT_AVAILABLE, ERROR, "'cuda'")


def test_device_mps_off_apple_silicon(expect, monkeypatch) -> None:
    monkeypatch.setattr(machine, "mps_available", lambda: False)
    expect(check_device("mps"), P.DEVICE_NOT_AVAILABLE, ERROR, "'mps'")


def test_preflight_checks_device_when_asked(demo, expect, find, monkeypatch) -> None:
    monkeypatch.setattr(machine, "detect_cuda_gpus", lambda *a, **k: [])
    options = demo.options(device="cuda")
    result = preflight(demo.workspace, 1, 2, options, check_device_present=True)
    expect(result, P.DEVICE_NOT_AVAILABLE, ERROR, "'cuda'")
    skipped = preflight(demo.workspace, 1, 2, options, check_device_present=False)
    assert find(skipped, P.DEVICE_NOT_AVAILABLE) == []


@pytest.mark.parametrize(("overrides", "needles"), [
    ({"trial_epochs": 0}, ("epochs", "got 0")),
    ({"trial_iterations": -3}, ("iterations", "got -3")),
    ({"preprocessing_workers": 0}, ("preprocessing workers", "got 0")),
    ({"augmentation_workers": -1}, ("augmentation workers", "got -1")),
    ({"trial_epochs": 2, "trainer": "MyTrainer"}, ("'MyTrainer'",)),
    ({"trainer": "../nnUNetTrainer"}, ("'../nnUNetTrainer'", "class name")),
    ({"trainer": "nnUNet Trainer"}, ("'nnUNet Trainer'",)),
])
def test_options_invalid(demo, expect, overrides: dict, needles: tuple[str, ...]) -> None:
    result = demo.preflight(**overrides)
    expect(result, P.OPTIONS_INVALID, ERROR, *needles)


def test_quick_trial_with_its_own_trainer_is_fine(demo, find) -> None:
    result = demo.preflight(trial_epochs=2, trial_iterations=3, trainer=QUICK_TRIAL_TRAINER)
    assert find(result, P.OPTIONS_INVALID) == []
    assert result.ok


# -- plans identifier ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../evil", "a/b", "a\\b", "with space", "x.json", ".hidden",
                                  "tab\there", "-dash", "ümlaut", "x" * 101, " MyPlans"])
def test_plans_id_invalid(demo, expect, name: str) -> None:
    result = demo.preflight(plans_name=name)
    expect(result, P.PLANS_ID_INVALID, ERROR, repr(name))


@pytest.mark.parametrize("name", ["../nnUNetPlans", "a/b", "a\\b", ""])
def test_finetune_plans_id_invalid(demo, expect, name: str) -> None:
    # Checked by itself, also when the pretraining identifier is given explicitly.
    result = demo.preflight(finetune_plans=name, plans_name="MyPlans")
    expect(result, P.PLANS_ID_INVALID, ERROR, "Fine-tuning plans", repr(name))


def test_finetune_plans_missing_for_custom_planner(demo, expect) -> None:
    demo.finetune_pre.mkdir()
    result = demo.preflight(finetune_plans="nnUNetResEncUNetMPlans")
    expect(result, P.PLANS_ID_INVALID, ERROR,
           str(demo.finetune_pre / "nnUNetResEncUNetMPlans.json"))


@pytest.mark.parametrize("name", ["nnUNetPlans", "nnUNetResEncUNetMPlans",
                                  "nnUNetResEncUNetLPlans"])
def test_plans_id_default(demo, expect, name: str) -> None:
    result = demo.preflight(plans_name=name)
    expect(result, P.PLANS_ID_DEFAULT, ERROR, f"'{name}'")


def _existing_transfer(demo, name: str = "MyPlans", **changes) -> Path:
    source = demo.write_finetune_plans()
    plans = transferred_plans(source, PRETRAIN, "nnUNetPlans", name)
    plans["image_reader_writer"] = "NibabelIO"  # nnU-Net sets this from the images: not compared
    plans.update(changes)
    path = demo.pretrain_pre / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plans), encoding="utf-8")
    return path


def test_plans_id_exists_identical_with_reuse_is_info(demo, expect) -> None:
    path = _existing_transfer(demo)
    result = demo.preflight(reuse_plans=True)
    expect(result, P.PLANS_ID_EXISTS, INFO, str(path), "reused (reuse is allowed)")
    assert result.ok


def test_a_reuse_without_the_tick_says_why(demo, expect) -> None:
    """The plans file nnFT's transfer wrote continues the chain without the reuse tick; the
    note says so instead of looking like a reuse the user allowed."""
    from nnft.core.steps import record_transfer

    path = _existing_transfer(demo)
    ctx = demo.preflight(reuse_plans=True).context
    record_transfer(ctx)
    result = demo.preflight(reuse_plans=False)
    problem = expect(result, P.PLANS_ID_EXISTS, INFO, str(path), "nnFT's own transfer wrote it")
    assert "reuse is allowed" not in problem.message and "no reuse needed" in problem.message


def test_plans_id_exists_identical_without_reuse_is_error(demo, expect) -> None:
    path = _existing_transfer(demo)
    result = demo.preflight(reuse_plans=False)
    problem = expect(result, P.PLANS_ID_EXISTS, ERROR, str(path), "same plans")
    assert "--reuse-plans" in problem.fix


def test_plans_id_exists_differing_is_error_even_with_reuse(demo, expect) -> None:
    path = _existing_transfer(demo, original_median_spacing_after_transp=[3.0, 1.0, 1.0])
    result = demo.preflight(reuse_plans=True)
    expect(result, P.PLANS_ID_EXISTS, ERROR, str(path), "differs")


def test_plans_id_exists_before_the_finetune_dataset_is_planned(demo, expect) -> None:
    path = demo.pretrain_pre / "MyPlans.json"
    path.parent.mkdir(parents=True)
    path.write_text("{}", encoding="utf-8")
    result = demo.preflight(reuse_plans=True)
    expect(result, P.PLANS_ID_EXISTS, ERROR, str(path))


def test_default_identifier_reuses_its_own_identical_transfer(demo, expect) -> None:
    base = "nnUNetPlans_pretrain_for_Dataset002"
    path = _existing_transfer(demo, base)
    result = demo.preflight(plans_name="")
    assert result.context.options.plans_name == base
    expect(result, P.PLANS_ID_EXISTS, INFO, str(path))


def test_default_identifier_avoids_a_differing_file(demo, find) -> None:
    base = "nnUNetPlans_pretrain_for_Dataset002"
    _existing_transfer(demo, base, plans_name="somebody_else")
    result = demo.preflight(plans_name="")
    assert result.context.options.plans_name == f"{base}_2"
    assert find(result, P.PLANS_ID_EXISTS) == []
    assert result.ok


# -- existing outputs --------------------------------------------------------------------------
def test_preprocessed_data_exists_incomplete(demo, expect) -> None:
    _existing_transfer(demo)
    folder = demo.pretrain_pre / "MyPlans_2d"
    folder.mkdir()
    (folder / "pt_001.b2nd").write_bytes(b"x")
    (folder / "pt_001.pkl").write_bytes(b"x")
    result = demo.preflight(reuse_plans=True)
    problem = expect(result, P.PREPROCESSED_DATA_EXISTS, ERROR, str(folder), "incomplete",
                     "delete and recreate")
    assert "--backup-and-overwrite" in problem.fix
    assert not result.ok
    # Confirmed: a warning that names the backup folder; the run may go ahead.
    result = demo.preflight(reuse_plans=True, allow_overwrite=True)
    expect(result, P.PREPROCESSED_DATA_EXISTS, WARNING, str(folder), "nnFT/backups")
    assert result.ok


def _complete_data_folder(folder: Path, n_cases: int = 12) -> None:
    folder.mkdir(parents=True)
    for i in range(1, n_cases + 1):
        for suffix in (".b2nd", "_seg.b2nd", ".pkl"):
            (folder / f"pt_{i:03d}{suffix}").write_bytes(b"x")


def test_complete_data_of_a_reused_transfer_is_no_problem(demo, find) -> None:
    _existing_transfer(demo)
    _complete_data_folder(demo.pretrain_pre / "MyPlans_2d")
    assert find(demo.preflight(reuse_plans=True), P.PREPROCESSED_DATA_EXISTS) == []


def test_complete_data_of_differing_plans_would_be_replaced(demo, expect) -> None:
    _existing_transfer(demo, plans_name="other")
    folder = demo.pretrain_pre / "MyPlans_2d"
    _complete_data_folder(folder)
    result = demo.preflight(reuse_plans=True)
    expect(result, P.PLANS_ID_EXISTS, ERROR, "differs")
    expect(result, P.PREPROCESSED_DATA_EXISTS, ERROR, str(folder), "(complete)")


def _finetune_fold(demo, fold: str = "0", trainer: str = "nnUNetTrainer") -> Path:
    return demo.results / FINETUNE / f"{trainer}__nnUNetPlans__2d" / f"fold_{fold}"


def _pretrain_fold(demo, trainer: str = "nnUNetTrainer") -> Path:
    return demo.results / PRETRAIN / f"{trainer}__MyPlans__2d" / "fold_all"


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"checkpoint")
    return path


def _marker(fold_dir: Path, weights: Path) -> None:
    fold_dir.mkdir(parents=True, exist_ok=True)
    (fold_dir / RUN_MARKER).write_text(json.dumps({"pretrained_weights": str(weights)}),
                                       encoding="utf-8")


@pytest.mark.parametrize("checkpoint", ["checkpoint_final.pth", "checkpoint_latest.pth",
                                        "checkpoint_best.pth"])
def test_results_folder_exists_foreign_finetune_run(demo, expect, checkpoint: str) -> None:
    fold = _finetune_fold(demo)
    _touch(fold / checkpoint)
    result = demo.preflight()
    problem = expect(result, P.RESULTS_FOLDER_EXISTS, ERROR, str(fold))
    assert "fold" in problem.fix
    assert not result.ok


def test_results_folder_of_another_pretraining_is_foreign(demo, expect) -> None:
    fold = _finetune_fold(demo)
    _touch(fold / "checkpoint_final.pth")
    _marker(fold, demo.results / "elsewhere" / "checkpoint_final.pth")
    expect(demo.preflight(), P.RESULTS_FOLDER_EXISTS, ERROR, str(fold))


def test_results_folder_our_finished_finetune_is_no_problem(demo, find) -> None:
    fold = _finetune_fold(demo)
    _touch(fold / "checkpoint_final.pth")
    _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    assert find(demo.preflight(), P.RESULTS_FOLDER_EXISTS) == []


def test_results_folder_our_unfinished_finetune_is_continued(demo, expect) -> None:
    fold = _finetune_fold(demo)
    _touch(fold / "checkpoint_latest.pth")
    _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    result = demo.preflight()
    expect(result, P.RESULTS_FOLDER_EXISTS, WARNING, str(fold), "--c")
    assert result.ok


def test_results_folder_other_fold_is_no_problem(demo, find) -> None:
    _touch(_finetune_fold(demo, "1") / "checkpoint_final.pth")
    assert find(demo.preflight(fold="0"), P.RESULTS_FOLDER_EXISTS) == []


def test_results_folder_unfinished_pretraining_is_warning(demo, expect) -> None:
    fold = _pretrain_fold(demo)
    _touch(fold / "checkpoint_latest.pth")
    result = demo.preflight()
    expect(result, P.RESULTS_FOLDER_EXISTS, WARNING, str(fold), "--c")
    assert result.ok


def test_results_folder_empty_pretraining_is_warning(demo, expect) -> None:
    fold = _pretrain_fold(demo)
    fold.mkdir(parents=True)
    expect(demo.preflight(), P.RESULTS_FOLDER_EXISTS, WARNING, str(fold), "without checkpoints")


def test_results_folder_finished_pretraining_is_no_problem(demo, find) -> None:
    _touch(_pretrain_fold(demo) / "checkpoint_final.pth")
    assert find(demo.preflight(), P.RESULTS_FOLDER_EXISTS) == []


def test_fingerprint_missing_is_info(demo, expect, find) -> None:
    expect(demo.preflight(), P.FINGERPRINT_MISSING, INFO, PRETRAIN)
    demo.pretrain_pre.mkdir()
    (demo.pretrain_pre / "dataset_fingerprint.json").write_text("{}", encoding="utf-8")
    assert find(demo.preflight(), P.FINGERPRINT_MISSING) == []


# -- FINGERPRINT_STALE -------------------------------------------------------------------------
def _fingerprint_of_now(demo, n_cases: int = 12) -> Path:
    """A fingerprint in nnU-Net's layout, with nnFT's marker of the raw data as it is now."""
    from nnft.core.datasets import inspect_dataset
    from nnft.core.steps.disk import write_fingerprint_marker

    demo.pretrain_pre.mkdir(parents=True, exist_ok=True)
    fingerprint = demo.pretrain_pre / "dataset_fingerprint.json"
    fingerprint.write_text(json.dumps({
        "spacings": [[1.0, 1.0, 1.0]] * n_cases, "shapes_after_crop": [[8, 8, 8]] * n_cases,
        "foreground_intensity_properties_per_channel": {"0": {"mean": 1.0}},
        "median_relative_size_after_cropping": 1.0}), encoding="utf-8")
    write_fingerprint_marker(fingerprint, inspect_dataset(demo.workspace, PRETRAIN))
    return fingerprint


def test_fingerprint_of_replaced_case_is_stale_warning(demo, expect, find) -> None:
    fingerprint = _fingerprint_of_now(demo)
    assert find(demo.preflight(), P.FINGERPRINT_STALE) == []
    images = demo.pretrain_raw / "imagesTr"
    # A case replaced by other data (here: another case's image) after the extraction.
    shutil.copyfile(images / "pt_002_0000.nii.gz", images / "pt_001_0000.nii.gz")
    os.utime(images / "pt_001_0000.nii.gz", ns=(1, 1))
    before = demo.snapshot()
    result = demo.preflight()
    problem = expect(result, P.FINGERPRINT_STALE, WARNING, str(fingerprint),
                     "imagesTr/pt_001_0000.nii.gz", "Step 2", "nnFT/backups")
    assert "restore" in problem.fix and result.ok
    assert demo.snapshot() == before  # the preflight wrote nothing
    step = next(s for s in build_chain(result.context) if s.key == "fingerprint_pretrain")
    assert not step.is_done()  # extracted again, not skipped


def test_fingerprint_after_dataset_json_edit_or_removed_case_is_stale(demo, expect) -> None:
    fingerprint = _fingerprint_of_now(demo)
    demo.edit_dataset_json(demo.pretrain_raw, lambda j: j.update(description="edited"))
    expect(demo.preflight(), P.FINGERPRINT_STALE, WARNING, "dataset.json was edited")
    # A fingerprint made outside nnFT (no marker) is still judged by its case count.
    (demo.pretrain_pre / ".nnft_fingerprint.json").unlink()
    _fingerprint_of_now(demo, n_cases=13)
    (demo.pretrain_pre / ".nnft_fingerprint.json").unlink()
    expect(demo.preflight(), P.FINGERPRINT_STALE, WARNING, str(fingerprint),
           "13 case(s), the raw data has 12")


def test_finetune_data_changed_after_planning_warns_that_plans_are_kept(demo, expect) -> None:
    demo.write_finetune_plans()
    demo.finetune_pre.mkdir(exist_ok=True)
    (demo.finetune_pre / "dataset_fingerprint.json").write_text(json.dumps({
        "spacings": [[1.0, 1.0, 1.0]] * 3,
        "foreground_intensity_properties_per_channel": {}}), encoding="utf-8")
    problem = expect(demo.preflight(), P.FINGERPRINT_STALE, WARNING, FINETUNE,
                     "nnUNetPlans.json", "step 1")
    assert "move" in problem.fix


# -- never raises, never writes ----------------------------------------------------------------
def _stale_folder(demo) -> None:
    (demo.results / "Dataset002_Stale").mkdir()


def _bad_json(demo) -> None:
    (demo.finetune_raw / "dataset.json").write_text("{nope", encoding="utf-8")


def _second_channel(demo) -> None:
    demo.edit_dataset_json(demo.finetune_raw,
                           lambda j: j.update(channel_names={"0": "CT", "1": "PET"}))


def _foreign_results(demo) -> None:
    _existing_transfer(demo, plans_name="other")
    (demo.pretrain_pre / "MyPlans_2d").mkdir()
    _touch(_finetune_fold(demo) / "checkpoint_final.pth")
    _touch(_pretrain_fold(demo) / "checkpoint_latest.pth")


def _missing_label(demo) -> None:
    (demo.pretrain_raw / "labelsTr" / "pt_010.nii.gz").unlink()


def _nothing(demo) -> None:
    pass


@pytest.mark.parametrize(("setup", "overrides"), [
    (_stale_folder, {}),
    (_bad_json, {}),
    (_second_channel, {}),
    (_foreign_results, {"reuse_plans": True}),
    (_missing_label, {"plans_name": "../../escape"}),
    (_nothing, {"plans_name": "nnUNetPlans", "fold": "9", "configuration": "3d_cascade_fullres"}),
    (_nothing, {}),
    (_nothing, {"plans_name": ""}),
])
def test_preflight_writes_nothing(demo, setup, overrides: dict) -> None:
    setup(demo)
    before = demo.snapshot()
    result = demo.preflight(**overrides)
    assert result.problems, "each scenario reports something"
    assert demo.snapshot() == before


_references = st.one_of(
    st.integers(min_value=-5, max_value=1005),
    st.text(max_size=20),
    st.sampled_from(["1", "2", "001", "Dataset001_DemoPretrain", "Dataset002_DemoFinetune",
                     "Dataset002_", "Dataset1_X", " 2 ", "２", "1e3", "0x1"]),
)


@settings(max_examples=40, deadline=None)
@given(pretrain=_references, finetune=_references, plans_name=st.text(max_size=30),
       fold=st.text(max_size=4), configuration=st.text(max_size=12))
def test_preflight_never_raises_on_any_choice(shared_demo, snapshot_of, pretrain, finetune,
                                              plans_name, fold, configuration) -> None:
    before = snapshot_of(shared_demo)
    options = RunOptions(configuration=configuration, plans_name=plans_name, fold=fold,
                         device="cpu")
    result = preflight(Workspace.from_root(shared_demo), pretrain, finetune, options,
                       check_device_present=False)
    assert all(p.code in P.ALL_CODES for p in result.problems)
    assert all(p.fix for p in result.problems if p.severity is not INFO)
    if result.ok:
        assert result.context is not None
    assert snapshot_of(shared_demo) == before


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
_configuration_like = st.fixed_dictionaries({}, optional={
    "data_identifier": _json | st.just("nnUNetPlans_2d"),
    "inherits_from": _json | st.sampled_from(["2d", "3d_fullres"]),
    "patch_size": _json,
    "architecture": _json,
})
_plans_like = st.one_of(
    _json,
    st.fixed_dictionaries({}, optional={
        "dataset_name": _json,
        "plans_name": _json,
        "configurations": _json | st.dictionaries(
            st.sampled_from(["2d", "3d_fullres", "3d_lowres", "x"]),
            _configuration_like | _json, max_size=3),
    }),
)


@settings(max_examples=60, deadline=None)
@given(finetune_plans=_plans_like, existing=st.none() | _plans_like,
       explicit=st.booleans())
def test_preflight_never_raises_on_malformed_plans_files(shared_demo, snapshot_of,
                                                         finetune_plans, existing,
                                                         explicit) -> None:
    """Hand-edited or truncated plans files are bad input, not a reason to crash."""
    ws = Workspace.from_root(shared_demo)
    ft_file = ws.preprocessed / FINETUNE / "nnUNetPlans.json"
    pt_name = "MyPlans" if explicit else "nnUNetPlans_pretrain_for_Dataset002"
    pt_file = ws.preprocessed / PRETRAIN / f"{pt_name}.json"
    try:
        ft_file.parent.mkdir(parents=True, exist_ok=True)
        pt_file.parent.mkdir(parents=True, exist_ok=True)
        ft_file.write_text(json.dumps(finetune_plans), encoding="utf-8")
        if existing is not None:
            pt_file.write_text(json.dumps(existing), encoding="utf-8")
        before = snapshot_of(shared_demo)
        options = RunOptions(configuration="2d", plans_name="MyPlans" if explicit else "",
                             device="cpu", reuse_plans=True)
        result = preflight(ws, 1, 2, options, check_device_present=False)
        assert all(p.code in P.ALL_CODES for p in result.problems)
        if result.context is not None:
            build_chain(result.context)  # argv builders must cope as well
        assert snapshot_of(shared_demo) == before
    finally:
        for folder in (ft_file.parent, pt_file.parent):
            shutil.rmtree(folder, ignore_errors=True)


def test_unreadable_finetune_plans_are_reported(demo, expect) -> None:
    demo.finetune_pre.mkdir()
    (demo.finetune_pre / "nnUNetPlans.json").write_text("[]", encoding="utf-8")
    result = demo.preflight()
    expect(result, P.PLANS_ID_INVALID, ERROR, str(demo.finetune_pre / "nnUNetPlans.json"))


@pytest.mark.parametrize("configurations", ["2d", {"2d": "x"}, {"2d": {"data_identifier": 5}},
                                            {"2d": None}, []])
def test_malformed_finetune_configuration_is_an_error(demo, find, configurations) -> None:
    demo.finetune_pre.mkdir()
    plans = {"dataset_name": FINETUNE, "plans_name": "nnUNetPlans",
             "configurations": configurations}
    (demo.finetune_pre / "nnUNetPlans.json").write_text(json.dumps(plans), encoding="utf-8")
    result = demo.preflight()
    problems = find(result, P.CONFIG_NOT_AVAILABLE)
    assert problems and problems[0].is_error, result.codes()
    assert "'2d'" in problems[0].message


@pytest.mark.parametrize("existing", ["[]", '"x"', "3", "null"])
def test_non_object_existing_plans_file_clashes(demo, expect, existing: str) -> None:
    demo.write_finetune_plans()
    path = demo.pretrain_pre / "MyPlans.json"
    path.parent.mkdir(parents=True)
    path.write_text(existing, encoding="utf-8")
    expect(demo.preflight(reuse_plans=True), P.PLANS_ID_EXISTS, ERROR, str(path))


# -- the chain preflight prepares: exact argv ----------------------------------------------------
def _steps(demo, **overrides):
    result = demo.preflight(**overrides)
    assert result.context is not None, [str(p) for p in result.problems]
    return result.context, {step.key: step for step in build_chain(result.context)}


def test_chain_argv_fresh_workspace(demo) -> None:
    ctx, steps = _steps(demo, augmentation_workers=3)
    # The from-scratch baseline is optional: only in a chain that asks for it.
    assert tuple(steps) == tuple(d.key for d in STEPS if d.key != "baseline")
    checkpoint = (demo.results / PRETRAIN / "nnUNetTrainer__MyPlans__2d" / "fold_all"
                  / "checkpoint_final.pth")
    assert ctx.pretrained_checkpoint == checkpoint
    assert {k: s.argv for k, s in steps.items()} == {
        "plan_finetune": ["nnUNetv2_plan_and_preprocess", "-d", "2", "-c", "2d", "-npfp", "2",
                          "-np", "2", "--verify_dataset_integrity"],
        "fingerprint_pretrain": ["nnUNetv2_extract_fingerprint", "-d", "1", "-np", "2",
                                 "--verify_dataset_integrity"],
        "transfer_plans": ["nnUNetv2_move_plans_between_datasets", "-s", "2", "-t", "1",
                           "-sp", "nnUNetPlans", "-tp", "MyPlans"],
        "copy_dataset_json": None,
        "preprocess_pretrain": ["nnUNetv2_preprocess", "-d", "1", "-plans_name", "MyPlans",
                                "-c", "2d", "-np", "2"],
        "pretrain": ["nnUNetv2_train", "1", "2d", "all", "-p", "MyPlans", "-tr", "nnUNetTrainer",
                     "-device", "cpu"],
        "finetune": ["nnUNetv2_train", "2", "2d", "0", "-p", "nnUNetPlans", "-tr",
                     "nnUNetTrainer", "-device", "cpu", "-pretrained_weights", str(checkpoint)],
    }
    copy_step = steps["copy_dataset_json"]
    assert copy_step.action is not None
    assert copy_step.command_line() == (
        f"cp {demo.pretrain_raw / 'dataset.json'} {demo.pretrain_pre / 'dataset.json'}")
    assert not any(step.is_done() for step in steps.values())
    assert steps["plan_finetune"].env == {"nnUNet_def_n_proc": "2"}
    assert steps["pretrain"].env == {"nnUNet_n_proc_DA": "3", "nnUNet_def_n_proc": "2"}
    assert [k for k, s in steps.items() if s.is_training] == ["pretrain", "finetune"]


def test_chain_argv_other_ids_keep_the_direction(tmp_path: Path) -> None:
    """Plans flow FROM the fine-tuning dataset (-s) TO the pretraining dataset (-t)."""
    ws = write_demo_workspace(tmp_path, pretrain_id=10, finetune_id=7, n_pretrain=2,
                              n_finetune=2)
    result = preflight(Workspace.from_root(tmp_path), 10, 7,
                       RunOptions(configuration="3d_fullres", plans_name="PT", device="cuda",
                                  fold="all", preprocessing_workers=4),
                       check_device_present=False)
    steps = {s.key: s for s in build_chain(result.context)}
    assert steps["transfer_plans"].argv == ["nnUNetv2_move_plans_between_datasets", "-s", "7",
                                            "-t", "10", "-sp", "nnUNetPlans", "-tp", "PT"]
    assert steps["pretrain"].argv == ["nnUNetv2_train", "10", "3d_fullres", "all", "-p", "PT",
                                      "-tr", "nnUNetTrainer", "-device", "cuda"]
    assert steps["finetune"].argv == [
        "nnUNetv2_train", "7", "3d_fullres", "all", "-p", "nnUNetPlans", "-tr", "nnUNetTrainer",
        "-device", "cuda", "-pretrained_weights",
        str(ws.results / ws.pretrain_name / "nnUNetTrainer__PT__3d_fullres" / "fold_all"
            / "checkpoint_final.pth")]
    assert steps["fingerprint_pretrain"].argv[:3] == ["nnUNetv2_extract_fingerprint", "-d", "10"]
    assert steps["preprocess_pretrain"].argv[-2:] == ["-np", "4"]


def test_chain_argv_when_finetune_plans_exist(demo) -> None:
    demo.write_finetune_plans()
    _, steps = _steps(demo)
    assert steps["plan_finetune"].argv == ["nnUNetv2_preprocess", "-d", "2", "-plans_name",
                                           "nnUNetPlans", "-c", "2d", "-np", "2"]


def test_chain_argv_custom_finetune_planner(demo) -> None:
    demo.write_finetune_plans("nnUNetResEncUNetMPlans", data_identifier_prefix="nnUNetPlans")
    _, steps = _steps(demo, finetune_plans="nnUNetResEncUNetMPlans")
    assert steps["transfer_plans"].argv[-4:] == ["-sp", "nnUNetResEncUNetMPlans", "-tp",
                                                 "MyPlans"]
    assert steps["finetune"].argv[4:6] == ["-p", "nnUNetResEncUNetMPlans"]
    assert steps["plan_finetune"].argv[4] == "nnUNetResEncUNetMPlans"


def test_chain_quick_trial_trainer(demo) -> None:
    ctx, steps = _steps(demo, trial_epochs=3, final_validation=False)
    for key in ("pretrain", "finetune"):
        argv = steps[key].argv
        assert argv[argv.index("-tr") + 1] == QUICK_TRIAL_TRAINER
        assert steps[key].env["NNFT_TRIAL_EPOCHS"] == "3"
        assert steps[key].env["NNFT_TRIAL_ITERATIONS"] == "10"
        assert steps[key].env["NNFT_TRIAL_FINAL_VALIDATION"] == "0"
    weights = steps["finetune"].argv[steps["finetune"].argv.index("-pretrained_weights") + 1]
    assert weights == str(demo.results / PRETRAIN / f"{QUICK_TRIAL_TRAINER}__MyPlans__2d"
                          / "fold_all" / "checkpoint_final.pth")
    assert "NNFT_TRIAL_EPOCHS" not in steps["plan_finetune"].env


def test_chain_full_run_has_no_trial_environment(demo) -> None:
    _, steps = _steps(demo)
    assert not any(k.startswith("NNFT_") for k in steps["pretrain"].env)


@pytest.mark.parametrize("checkpoint", ["checkpoint_latest.pth", "checkpoint_best.pth"])
def test_chain_resumes_pretraining(demo, checkpoint: str) -> None:
    _touch(_pretrain_fold(demo) / checkpoint)
    _, steps = _steps(demo)
    assert steps["pretrain"].argv == ["nnUNetv2_train", "1", "2d", "all", "-p", "MyPlans",
                                      "-tr", "nnUNetTrainer", "-device", "cpu", "--c"]
    assert not steps["pretrain"].is_done()


def _validated(fold: Path) -> None:
    """What nnU-Net's final validation writes last."""
    (fold / "validation").mkdir(parents=True, exist_ok=True)
    (fold / "validation" / "summary.json").write_text("{}", encoding="utf-8")


def test_chain_finished_pretraining_is_done(demo) -> None:
    _touch(_pretrain_fold(demo) / "checkpoint_final.pth")
    _validated(_pretrain_fold(demo))
    _, steps = _steps(demo)
    assert "--c" not in steps["pretrain"].argv
    assert steps["pretrain"].is_done()


def test_chain_pretraining_killed_during_final_validation_runs_only_the_validation(demo) -> None:
    """checkpoint_final.pth without validation/summary.json: trained, not validated."""
    fold = _pretrain_fold(demo)
    _touch(fold / "checkpoint_final.pth")
    (fold / "training_log_2026_11_29_10_00_00.txt").write_text(
        "2026-11-29 10:05:00.000001: Training done. \n"
        "2026-11-29 10:05:01.000001: predicting pt_000 \n", encoding="utf-8")
    _, steps = _steps(demo)
    assert not steps["pretrain"].is_done()
    assert steps["pretrain"].argv == ["nnUNetv2_train", "1", "2d", "all", "-p", "MyPlans",
                                      "-tr", "nnUNetTrainer", "-device", "cpu", "--val"]
    assert "--val runs only nnU-Net's final validation" in steps["pretrain"].why
    _validated(fold)
    _, steps = _steps(demo)
    assert steps["pretrain"].is_done()


def test_chain_quick_trial_that_skipped_its_validation_on_purpose_is_done(demo) -> None:
    fold = _pretrain_fold(demo, QUICK_TRIAL_TRAINER)
    _touch(fold / "checkpoint_final.pth")
    log = fold / "training_log_2026_11_29_10_00_00.txt"
    log.write_text("2026-11-29 10:05:00.000001: Training done. \n2026-11-29 10:05:00.000002: "
                   "nnFT quick trial: final validation skipped (NNFT_TRIAL_FINAL_VALIDATION=0) "
                   "\n", encoding="utf-8")
    _, steps = _steps(demo, trial_epochs=2, trial_iterations=2)
    assert steps["pretrain"].is_done()  # the log says it was skipped on purpose
    log.write_text("2026-11-29 10:05:00.000001: Training done. \n", encoding="utf-8")
    assert not steps["pretrain"].is_done()
    _, steps = _steps(demo, trial_epochs=2, trial_iterations=2, final_validation=False)
    assert steps["pretrain"].is_done()  # the user does not want one now


def test_chain_resumes_our_finetuning_without_weights(demo) -> None:
    fold = _finetune_fold(demo)
    _touch(fold / "checkpoint_latest.pth")
    _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    _, steps = _steps(demo)
    assert steps["finetune"].argv == ["nnUNetv2_train", "2", "2d", "0", "-p", "nnUNetPlans",
                                      "-tr", "nnUNetTrainer", "-device", "cpu", "--c"]
    marker = (fold / RUN_MARKER).read_bytes()
    assert steps["finetune"].before_start() == []
    assert (fold / RUN_MARKER).read_bytes() == marker  # the marker of the first start stays


def test_chain_marker_then_resume(demo) -> None:
    """The marker written before fine-tuning starts is what makes a later run continue it."""
    ctx, steps = _steps(demo)
    steps["finetune"].before_start()
    marker = json.loads((ctx.finetune_fold_dir / RUN_MARKER).read_text(encoding="utf-8"))
    assert marker["pretrained_weights"] == str(ctx.pretrained_checkpoint)
    assert marker["command"] == steps["finetune"].argv
    _touch(ctx.finetune_fold_dir / "checkpoint_latest.pth")
    _, steps = _steps(demo)
    assert steps["finetune"].argv[-1] == "--c"
    _touch(ctx.finetune_fold_dir / "checkpoint_final.pth")
    assert not steps["finetune"].is_done()  # not validated yet
    _, steps = _steps(demo)
    assert steps["finetune"].argv[-1] == "--val"
    assert "-pretrained_weights" not in steps["finetune"].argv
    marker = (ctx.finetune_fold_dir / RUN_MARKER).read_bytes()
    assert steps["finetune"].before_start() == []
    assert (ctx.finetune_fold_dir / RUN_MARKER).read_bytes() == marker
    _validated(ctx.finetune_fold_dir)
    assert steps["finetune"].is_done()


@pytest.mark.parametrize(("checkpoints", "marker"), list(itertools.product(
    [(), ("checkpoint_latest.pth",), ("checkpoint_best.pth",), ("checkpoint_final.pth",),
     ("checkpoint_latest.pth", "checkpoint_final.pth")],
    ["none", "ours", "other", "junk"],
)))
def test_finetune_never_combines_continue_and_weights(demo, checkpoints, marker: str) -> None:
    """nnU-Net refuses ``--c`` together with ``-pretrained_weights`` (RuntimeError)."""
    fold = _finetune_fold(demo)
    fold.mkdir(parents=True)
    for name in checkpoints:
        _touch(fold / name)
    if marker == "ours":
        _marker(fold, _pretrain_fold(demo) / "checkpoint_final.pth")
    elif marker == "other":
        _marker(fold, demo.root / "other.pth")
    elif marker == "junk":
        (fold / RUN_MARKER).write_text("{broken", encoding="utf-8")
    result = demo.preflight()
    if result.context is None:
        return
    argv = {s.key: s for s in build_chain(result.context)}["finetune"].argv
    assert [flag in argv for flag in ("--c", "-pretrained_weights", "--val")].count(True) == 1
    resumable = any(c != "checkpoint_final.pth" for c in checkpoints)
    # Trained but not validated (no validation/summary.json): only the validation runs.
    trained = "checkpoint_final.pth" in checkpoints and marker == "ours"
    assert ("--val" in argv) == trained
    assert ("--c" in argv) == (resumable and marker == "ours" and not trained)


# -- PRETRAIN_SMALLER --------------------------------------------------------------------------
def test_pretraining_on_the_smaller_dataset_is_warned(demo, expect, find) -> None:
    """The demo's pretraining dataset is the larger one; swapped, the warning names both
    datasets and their case counts, and says how to swap back."""
    n_pretrain = len(list((demo.raw / PRETRAIN / "labelsTr").iterdir()))
    n_finetune = len(list((demo.raw / FINETUNE / "labelsTr").iterdir()))
    assert n_pretrain > n_finetune
    assert find(demo.preflight(), P.PRETRAIN_SMALLER) == []
    swapped = demo.preflight(pretrain=2, finetune=1)
    problem = expect(swapped, P.PRETRAIN_SMALLER, WARNING, FINETUNE, PRETRAIN,
                     f"{n_finetune} cases", f"({n_pretrain})")
    assert "swap" in problem.fix.lower()
    assert swapped.ok  # a warning: the user may mean it


def test_chain_presets_and_baseline(demo) -> None:
    """Each preset and the baseline train under their own trainer name, so their results
    folders never collide; the baseline is the fine-tuning's twin without weights."""
    ctx, steps = _steps(demo, finetune_preset="gentle", baseline=True, trial_epochs=3)
    assert list(steps)[-2:] == ["finetune", "baseline"]
    finetune, baseline = steps["finetune"].argv, steps["baseline"].argv
    assert finetune[finetune.index("-tr") + 1] == "nnFTTrainerGentleFinetuneQuickTrial"
    assert baseline == ["nnUNetv2_train", "2", "2d", "0", "-p", "nnUNetPlans", "-tr",
                        "nnFTTrainerFromScratchQuickTrial", "-device", "cpu"]
    assert ctx.finetune_fold_dir.parent.name == \
        "nnFTTrainerGentleFinetuneQuickTrial__nnUNetPlans__2d"
    assert ctx.baseline_fold_dir.parent.name == \
        "nnFTTrainerFromScratchQuickTrial__nnUNetPlans__2d"
    assert ctx.pretrain_fold_dir.parent.name.startswith("nnFTTrainerQuickTrial__")
    assert steps["baseline"].env["NNFT_TRIAL_EPOCHS"] == "3"

    ctx, steps = _steps(demo, finetune_preset="frozen-encoder", freeze_epochs=2)
    argv = steps["finetune"].argv
    assert argv[argv.index("-tr") + 1] == "nnFTTrainerFrozenEncoder"
    assert steps["finetune"].env["NNFT_FREEZE_EPOCHS"] == "2"
    assert "NNFT_FREEZE_EPOCHS" not in steps["pretrain"].env

    # The default preset keeps today's folder: chains fine-tuned before presets existed go on.
    ctx, _ = _steps(demo)
    assert ctx.finetune_fold_dir.parent.name == "nnUNetTrainer__nnUNetPlans__2d"


def test_preset_options_checked(demo, expect) -> None:
    expect(demo.preflight(finetune_preset="fast"), P.OPTIONS_INVALID, ERROR, "fast")
    expect(demo.preflight(freeze_epochs=3), P.OPTIONS_INVALID, ERROR, "--freeze-epochs")
    expect(demo.preflight(finetune_preset="frozen-encoder", freeze_epochs=5, trial_epochs=5),
           P.OPTIONS_INVALID, WARNING, "never trained")
    expect(demo.preflight(baseline=True, trainer="nnUNetTrainer_250epochs"),
           P.OPTIONS_INVALID, ERROR, "nnUNetTrainer_250epochs")


# -- nnft predict's preflight (nnft.core.predict.plan_prediction) --------------------------------
# A model folder in nnU-Net's layout written by hand (the checkpoint is a small zip: all the
# preflight reads of it), and the demo's held-out images; nothing here runs nnU-Net.
@pytest.fixture
def predict_setup(demo_template, tmp_path: Path):
    """(model folder, input folder with the demo's imagesTs, output folder, labels folder)."""
    import zipfile

    source = demo_template.raw / FINETUNE
    model = tmp_path / "results" / FINETUNE / "nnUNetTrainer__nnUNetPlans__2d"
    (model / "fold_0").mkdir(parents=True)
    shutil.copy(source / "dataset.json", model / "dataset.json")
    (model / "plans.json").write_text('{"plans_name": "nnUNetPlans"}', encoding="utf-8")
    with zipfile.ZipFile(model / "fold_0" / "checkpoint_final.pth", "w") as archive:
        archive.writestr("archive/data.pkl", b"weights")
    images = tmp_path / "images in"
    shutil.copytree(source / "imagesTs", images)
    return model, images, tmp_path / "predictions", source / "labelsTs"


def _plan(model, images, output, **kwargs):
    from nnft.core.predict import plan_prediction

    return plan_prediction(model, images, output, device="cpu", **kwargs)


def test_predict_preflight_clean(predict_setup, snapshot_of) -> None:
    model, images, output, labels = predict_setup
    before = snapshot_of(model.parents[2])
    plan = _plan(model, images, output, labels_dir=labels)
    assert plan.ok and plan.problems == []
    assert [c.case for c in plan.cases] == ["ft_test_001", "ft_test_002", "ft_test_003"]
    assert plan.input_dir == images  # nnU-Net's names: the folder is read as it is
    assert plan.model is not None and plan.model.folds == ("0",)
    assert snapshot_of(model.parents[2]) == before and not output.exists()


def test_predict_fold_folder_and_zip_are_models(predict_setup, tmp_path) -> None:
    import zipfile

    model, images, output, _ = predict_setup
    plan = _plan(model / "fold_0", images, output)
    assert plan.ok and plan.model is not None
    assert plan.model.path == model and plan.model.folds == ("0",)
    archive_path = tmp_path / "model.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in model.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(model.parents[1]).as_posix())
    plan = _plan(archive_path, images, output)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.model is not None and plan.model.member == f"{FINETUNE}/{model.name}"


def test_predict_model_not_found(predict_setup, expect, tmp_path) -> None:
    import zipfile

    _, images, output, _ = predict_setup
    missing = tmp_path / "no model"
    expect(_plan(missing, images, output).problems, P.MODEL_NOT_FOUND, ERROR, str(missing),
           "does not exist")
    not_zip = tmp_path / "model.zip"
    not_zip.write_text("not a zip", encoding="utf-8")
    expect(_plan(not_zip, images, output).problems, P.MODEL_NOT_FOUND, ERROR, str(not_zip),
           "not a zip")
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    expect(_plan(empty_zip, images, output).problems, P.MODEL_NOT_FOUND, ERROR, str(empty_zip),
           "holds no nnU-Net model")
    expect(_plan(images, images, images.parent / "out").problems, P.MODEL_NOT_FOUND, ERROR,
           str(images), "not an nnU-Net model folder")


def test_predict_model_ambiguous(predict_setup, expect, tmp_path) -> None:
    import zipfile

    _, images, output, _ = predict_setup
    archive_path = tmp_path / "two.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for config in ("2d", "3d_fullres"):
            archive.writestr(f"{FINETUNE}/T__P__{config}/plans.json", "{}")
    expect(_plan(archive_path, images, output).problems, P.MODEL_AMBIGUOUS, ERROR,
           "2 trained models", f"{FINETUNE}/T__P__2d", f"{FINETUNE}/T__P__3d_fullres")


def test_predict_model_incomplete(predict_setup, expect) -> None:
    model, images, output, _ = predict_setup
    expect(_plan(model, images, output, folds=["1"]).problems, P.MODEL_INCOMPLETE, ERROR,
           "fold_1/checkpoint_final.pth", "folds with one: 0")
    checkpoint = model / "fold_0" / "checkpoint_final.pth"
    checkpoint.write_bytes(checkpoint.read_bytes()[:20])  # cut off while nnU-Net saved it
    expect(_plan(model, images, output).problems, P.MODEL_INCOMPLETE, ERROR,
           "no fold with a finished training")
    (model / "plans.json").unlink()
    plan = _plan(model, images, output)
    expect(plan.problems, P.MODEL_INCOMPLETE, ERROR, "has no plans.json")
    assert plan.model is None and not plan.ok


def test_predict_input_missing(predict_setup, expect, tmp_path) -> None:
    model, _, output, _ = predict_setup
    expect(_plan(model, tmp_path / "nothing", output).problems, P.PREDICT_INPUT_MISSING, ERROR,
           str(tmp_path / "nothing"), "does not exist")
    empty = tmp_path / "empty"
    empty.mkdir()
    expect(_plan(model, empty, output).problems, P.PREDICT_INPUT_MISSING, ERROR, str(empty),
           "holds no image")


def test_predict_input_names(predict_setup, expect) -> None:
    model, images, output, _ = predict_setup
    data = json.loads((model / "dataset.json").read_text(encoding="utf-8"))
    data["channel_names"] = {"0": "T1", "1": "T2"}
    (model / "dataset.json").write_text(json.dumps(data), encoding="utf-8")
    (images / "ft_test_001_0000.nii.gz").rename(images / "plain.nii.gz")
    problem = expect(_plan(model, images, output, check_images=False).problems,
                     P.PREDICT_INPUT_NAMES, ERROR, "2 input channels", "plain.nii.gz")
    assert "CASE_0001.nii.gz" in problem.fix


def test_predict_channel_mismatch(predict_setup, expect) -> None:
    model, images, output, _ = predict_setup
    shutil.copy(images / "ft_test_002_0000.nii.gz", images / "ft_test_002_0001.nii.gz")
    plan = _plan(model, images, output)
    expect(plan.problems, P.PREDICT_CHANNEL_MISMATCH, ERROR, "Case ft_test_002",
           "0000, 0001", "1 channel(s)", "0: CT")
    assert not plan.ok and plan.problems[0].code == P.PREDICT_CHANNEL_MISMATCH


def test_predict_file_ending(predict_setup, expect) -> None:
    model, images, output, _ = predict_setup
    image = sitk.ReadImage(str(images / "ft_test_001_0000.nii.gz"))
    sitk.WriteImage(image, str(images / "ft_test_001_0000.nrrd"))
    (images / "ft_test_001_0000.nii.gz").unlink()
    problem = expect(_plan(model, images, output).problems, P.PREDICT_FILE_ENDING, ERROR,
                     "ft_test_001_0000.nrrd", ".nii.gz")
    assert ".nii.gz" in problem.fix


def test_predict_image_unreadable(predict_setup, expect) -> None:
    model, images, output, _ = predict_setup
    broken = images / "ft_test_002_0000.nii.gz"
    broken.write_bytes(broken.read_bytes()[:100])  # cut off
    expect(_plan(model, images, output).problems, P.PREDICT_IMAGE_UNREADABLE, ERROR,
           str(broken))


def test_predict_output_invalid(predict_setup, expect, tmp_path) -> None:
    model, images, _, _ = predict_setup
    expect(_plan(model, images, images / "out").problems, P.PREDICT_OUTPUT_INVALID, ERROR,
           str(images / "out"), "inside it")
    plain = images / "scan.nii.gz"
    (images / "ft_test_001_0000.nii.gz").rename(plain)
    plan = _plan(model, plain, images, overwrite=True)  # its prediction would be scan.nii.gz
    expect(plan.problems, P.PREDICT_OUTPUT_INVALID, ERROR, str(plain), "replace the input")
    assert not plan.ok
    a_file = tmp_path / "a file"
    a_file.write_text("x", encoding="utf-8")
    expect(_plan(model, images, a_file).problems, P.PREDICT_OUTPUT_INVALID, ERROR, str(a_file),
           "is a file")


def test_prediction_exists_needs_overwrite(predict_setup, expect, snapshot_of) -> None:
    model, images, output, _ = predict_setup
    output.mkdir()
    (output / "ft_test_002.nii.gz").write_bytes(b"an earlier prediction")
    (output / "plans.json").write_text("{}", encoding="utf-8")
    before = snapshot_of(output)
    plan = _plan(model, images, output)
    problem = expect(plan.problems, P.PREDICTION_EXISTS, ERROR, str(output), "ft_test_002.nii.gz")
    assert "--overwrite" in problem.fix
    plan = _plan(model, images, output, overwrite=True)
    expect(plan.problems, P.PREDICTION_EXISTS, WARNING, "ft_test_002.nii.gz")
    assert plan.ok
    assert sorted(p.name for p in plan.existing) == ["ft_test_002.nii.gz", "plans.json"]
    assert snapshot_of(output) == before


def test_predict_labels_missing(predict_setup, expect, tmp_path) -> None:
    model, images, output, labels = predict_setup
    partial = tmp_path / "labels"
    partial.mkdir()
    shutil.copy(labels / "ft_test_001.nii.gz", partial)
    expect(_plan(model, images, output, labels_dir=partial).problems,
           P.PREDICT_LABELS_MISSING, ERROR, "ft_test_002.nii.gz", "ft_test_003.nii.gz")


def test_predict_plain_names_for_a_single_channel_model(predict_setup) -> None:
    model, images, output, _ = predict_setup
    (images / "ft_test_001_0000.nii.gz").rename(images / "scan of Anna.nii.gz")
    plan = _plan(model, images, output)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.input_dir is None and all(c.needs_link for c in plan.cases)
    assert sorted(c.case for c in plan.cases) == ["ft_test_002_0000", "ft_test_003_0000",
                                                  "scan of Anna"]
    single = _plan(model, images / "scan of Anna.nii.gz", output)
    assert single.ok and [c.case for c in single.cases] == ["scan of Anna"]
    assert single.output_of(single.cases[0]) == output / "scan of Anna.nii.gz"


# -- fine-tuning from a trained model (no pretraining dataset) -----------------------------------
def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _model_folder(root: Path, make_plans, *, channels: dict | None = None,
                  normalization: str = "CTNormalization", folds: tuple[str, ...] = ("0", "1"),
                  spacing_2d: tuple[float, float] = (0.8, 0.8)) -> Path:
    """A trained model's folder as nnU-Net writes it (Dataset009_Other/nnUNetTrainer__
    nnUNetPlans__2d): plans, dataset.json and whole checkpoint files (legacy format, so no
    torch is needed; the preflight's weights check is left out of these tests)."""
    folder = root / "Dataset009_Other" / "nnUNetTrainer__nnUNetPlans__2d"
    plans = make_plans("Dataset009_Other", "nnUNetPlans", ("2d",))
    plans["configurations"]["2d"]["normalization_schemes"] = [normalization] * len(
        channels or {"0": "CT"})
    plans["configurations"]["2d"]["spacing"] = list(spacing_2d)
    _write_json(folder / "plans.json", plans)
    _write_json(folder / "dataset.json", {
        "channel_names": channels or {"0": "CT"}, "labels": {"background": 0, "liver": 1},
        "numTraining": 40, "file_ending": ".nii.gz"})
    for fold in folds:
        (folder / f"fold_{fold}").mkdir(parents=True)
        (folder / f"fold_{fold}" / "checkpoint_final.pth").write_bytes(b"legacy checkpoint")
    return folder


def _model_preflight(demo, model: Path | str, pretrain: str | int | None = None, **overrides):
    options = demo.options(**{"pretrained_model": str(model), "plans_name": "",
                              "configuration": "", **overrides})
    return preflight(demo.workspace, pretrain, 2, options, check_device_present=False,
                     check_weights=False)


def _write_finetune_fingerprint(demo, spacing: list[float], median: float) -> None:
    cases = len(list((demo.finetune_raw / "labelsTr").glob("*.nii.gz")))
    _write_json(demo.finetune_pre / "dataset_fingerprint.json", {
        "spacings": [spacing] * cases, "shapes_after_crop": [[32, 48, 48]] * cases,
        "median_relative_size_after_cropping": 1.0,
        "foreground_intensity_properties_per_channel": {"0": {
            "median": median, "mean": median, "std": 10.0, "min": median - 50,
            "max": median + 50, "percentile_00_5": median - 30,
            "percentile_99_5": median + 30}}})


def test_model_chain_of_a_fresh_workspace(demo, tmp_path, expect, plans_factory) -> None:
    """The model's configuration and a new identifier for its plans in the fine-tuning dataset;
    the model chain's steps; nothing written by the preflight."""
    model = _model_folder(tmp_path / "models", plans_factory)
    before = demo.snapshot()
    result = _model_preflight(demo, model)
    assert result.ok, [str(p) for p in result.problems]
    expect(result, P.SOURCE_MODEL_FOLD, Severity.INFO, "fold 0", "0, 1")
    expect(result, P.LABELS_DIFFER, Severity.INFO, "liver", "segmentation head")
    ctx = result.context
    assert ctx is not None and ctx.from_model
    o = ctx.options
    assert (o.configuration, o.plans_name, o.finetune_plans) == (
        "2d", "nnUNetPlans_from_Dataset009", "nnUNetPlans_from_Dataset009")
    steps = {s.key: s for s in build_chain(ctx)}
    assert list(steps) == ["import_model", "fingerprint_finetune", "transfer_model_plans",
                           "preprocess_finetune", "finetune"]
    assert steps["preprocess_finetune"].argv == [
        "nnUNetv2_preprocess", "-d", "2", "-plans_name", "nnUNetPlans_from_Dataset009",
        "-c", "2d", "-np", str(o.preprocessing_workers)]
    imported = ctx.model.checkpoint
    assert imported.parts[-7:-5] == ("nnFT", "models") and imported.parts[-2] == "fold_0"
    assert steps["finetune"].argv[-2:] == ["-pretrained_weights", str(imported)]
    assert steps["finetune"].argv[:8] == ["nnUNetv2_train", "2", "2d", "0", "-p",
                                          "nnUNetPlans_from_Dataset009", "-tr",
                                          QUICK_TRIAL_TRAINER if o.is_quick_trial
                                          else "nnUNetTrainer"]
    with pytest.raises(ValueError, match="fine-tunes from a model"):
        _ = ctx.pretrain
    assert demo.snapshot() == before


def test_model_that_is_not_a_model_is_refused(demo, tmp_path, expect, plans_factory) -> None:
    import zipfile

    not_a_model = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_a_model, "w") as archive:
        archive.writestr("notes.txt", "hello")
    before = demo.snapshot()
    expect(_model_preflight(demo, not_a_model), P.SOURCE_MODEL_INVALID, Severity.ERROR,
           "holds no nnU-Net model")
    expect(_model_preflight(demo, tmp_path / "missing"), P.SOURCE_MODEL_INVALID,
           Severity.ERROR, "does not exist")
    unnamed = _model_folder(tmp_path / "m", plans_factory).rename(tmp_path / "m" / "my_model")
    expect(_model_preflight(demo, unnamed), P.SOURCE_MODEL_INVALID, Severity.ERROR,
           "my_model", "<trainer>__<plans>__<configuration>")
    assert demo.snapshot() == before


def test_model_with_other_channels_is_refused(demo, tmp_path, expect, plans_factory) -> None:
    model = _model_folder(tmp_path, plans_factory, channels={"0": "T1", "1": "T2"},
                          normalization="ZScoreNormalization")
    result = _model_preflight(demo, model)
    expect(result, P.SOURCE_MODEL_CHANNELS, Severity.ERROR, "2 input channel(s)", "T1, T2",
           "has 1 (CT)")
    assert not result.ok


def test_model_configuration_is_the_models(demo, tmp_path, expect, plans_factory) -> None:
    model = _model_folder(tmp_path, plans_factory)
    expect(_model_preflight(demo, model, configuration="3d_fullres"),
           P.SOURCE_MODEL_CONFIG, Severity.ERROR, "'2d'", "'3d_fullres'")


def test_ct_model_on_mri_data_is_warned_about(demo, tmp_path, expect, plans_factory) -> None:
    demo.edit_dataset_json(demo.finetune_raw,
                           lambda d: d.__setitem__("channel_names", {"0": "T2"}))
    result = _model_preflight(demo, _model_folder(tmp_path, plans_factory))
    expect(result, P.SOURCE_MODEL_NORMALIZATION, Severity.WARNING, "CTNormalization",
           "ZScoreNormalization", "'T2'")
    assert result.ok  # a warning: the user may know better


def test_far_spacing_and_foreign_intensities_are_warned_about(demo, tmp_path, expect,
                                                               plans_factory) -> None:
    model = _model_folder(tmp_path, plans_factory, spacing_2d=(0.8, 0.8))
    _write_finetune_fingerprint(demo, [2.0, 3.0, 3.0], median=1200.0)
    result = _model_preflight(demo, model)
    expect(result, P.SOURCE_MODEL_SPACING, Severity.WARNING, "(3, 3)", "(0.8, 0.8)")
    expect(result, P.SOURCE_MODEL_INTENSITY, Severity.WARNING, "1.2e+03", "92 … 156")
    # A fingerprint like the model's data: neither warning.
    _write_finetune_fingerprint(demo, [2.0, 0.8, 0.8], median=125.0)
    codes = _model_preflight(demo, model).codes()
    assert P.SOURCE_MODEL_SPACING not in codes and P.SOURCE_MODEL_INTENSITY not in codes


def test_model_plans_identifier_is_guarded(demo, tmp_path, expect, plans_factory) -> None:
    """Never nnUNetPlans, never a file that exists: the fine-tuning dataset's own plans and
    data stay untouched."""
    model = _model_folder(tmp_path, plans_factory)
    expect(_model_preflight(demo, model, plans_name="nnUNetPlans"), P.PLANS_ID_DEFAULT,
           Severity.ERROR, "fine-tuning dataset's own plans")
    _write_json(demo.finetune_pre / "Taken.json", plans_factory(FINETUNE, "Taken"))
    expect(_model_preflight(demo, model, plans_name="Taken"), P.PLANS_ID_EXISTS,
           Severity.ERROR, "differs")
    expect(_model_preflight(demo, model, pretrain=1), P.OPTIONS_INVALID, Severity.ERROR,
           "Both a pretraining dataset and a model")
    expect(preflight(demo.workspace, None, 2, demo.options(), check_device_present=False),
           P.OPTIONS_INVALID, Severity.ERROR, "No pretraining dataset and no model")


# -- GPU_MEMORY_LOW (recorded NVML readings; core/gpu_monitor.py) ------------------------------
def test_gpu_memory_low_is_a_warning_before_a_cuda_training(demo, expect, find, monkeypatch,
                                                            recorded_nvml) -> None:
    from nnft.core.gpu_monitor import GpuSampler

    monkeypatch.setattr(machine, "detect_cuda_gpus",
                        lambda *a, **k: [machine.GpuInfo(1, "NVIDIA GeForce RTX 3060", 12288)])
    rtx = GpuSampler(nvml=recorded_nvml(), environment={"CUDA_VISIBLE_DEVICES": "1"})
    before = demo.snapshot()
    result = preflight(demo.workspace, 1, 2, demo.options(device="cuda"), gpu_sampler=rtx,
                       check_weights=False)
    # Not planned yet: nnUNetPlans is the default planner's, sized for 8 GB; 3 GiB are free.
    expect(result, P.GPU_MEMORY_LOW, WARNING, "GPU 1 (NVIDIA GeForce RTX 3060)",
           "3.0 GiB of 12.0 GiB free", "'nnUNetPlans'", "about 8 GB")
    assert result.ok and demo.snapshot() == before
    h200 = GpuSampler(nvml=recorded_nvml(), environment={})
    assert find(preflight(demo.workspace, 1, 2, demo.options(device="cuda"), gpu_sampler=h200,
                          check_weights=False), P.GPU_MEMORY_LOW) == []


# -- IMAGE_TRUNCATED, GEOMETRY_MISMATCH, GEOMETRY_MISALIGNED (core/datasets.py, headers only) ---
def test_cut_off_files_and_label_geometry_are_refused(demo, expect) -> None:
    """tests/core/test_dataset_integrity.py covers each field, .nii and the CLI."""
    image = demo.finetune_raw / "imagesTr" / "ft_002_0000.nii.gz"
    image.write_bytes(image.read_bytes()[:image.stat().st_size // 2])
    labels = demo.pretrain_raw / "labelsTr"
    label = sitk.ReadImage(str(labels / "pt_001.nii.gz"))
    sitk.WriteImage(label[:, :, :-1], str(labels / "pt_001.nii.gz"), True)
    label = sitk.ReadImage(str(labels / "pt_002.nii.gz"))
    label.SetOrigin([o + 1.0 for o in label.GetOrigin()])
    sitk.WriteImage(label, str(labels / "pt_002.nii.gz"), True)
    before = demo.snapshot()
    result = demo.preflight()
    expect(result, P.IMAGE_TRUNCATED, Severity.ERROR, "ft_002_0000.nii.gz", "cut off")
    expect(result, P.GEOMETRY_MISMATCH, Severity.ERROR, "case pt_001", "label's size")
    expect(result, P.GEOMETRY_MISALIGNED, Severity.WARNING, "case pt_002", "label's origin")
    assert demo.snapshot() == before


# -- DISK_SPACE_LOW (the free space passed in; core/disk_space.py) -----------------------------
def _own_disks(folder: Path) -> Path:
    """``disk_of`` of a machine where every nnU-Net folder is on a disk of its own."""
    return folder


def test_disk_space_low_before_preprocessing(demo, expect, find) -> None:
    from nnft.core.datasets import inspect_dataset
    from nnft.core.disk_space import BEST_COMPRESSION, estimate_preprocessed_bytes

    # The demo's plans do not exist yet: the raw sizes are the estimate. Steps 1 and 5 write
    # the fine-tuning and the pretraining data.
    needed = sum(estimate_preprocessed_bytes(inspect_dataset(demo.workspace, name), None,
                                             "2d").bytes_needed for name in (FINETUNE, PRETRAIN))
    assert needed > 0
    before = demo.snapshot()
    asked: list[Path] = []

    def free_space(free: int):
        def free_bytes_of(folder: Path) -> int:
            asked.append(folder)
            return free
        return free_bytes_of

    def check(free: int):
        return preflight(demo.workspace, 1, 2, demo.options(), check_device_present=False,
                         free_bytes_of=free_space(free), disk_of=_own_disks)

    clearly_too_little = check(int(needed / BEST_COMPRESSION) - 1)
    problem = expect(clearly_too_little, P.DISK_SPACE_LOW, ERROR, str(demo.preprocessed),
                     "step(s) 1, 5", FINETUNE, PRETRAIN, f"up to {needed / 1e6:.1f} MB",
                     f"only {(int(needed / BEST_COMPRESSION) - 1) / 1e6:.1f} MB are free")
    assert "nnUNet_preprocessed" in problem.fix and not clearly_too_little.ok
    # nnUNet_results is asked too, for the training steps (test_disk_space_low_before_training).
    assert demo.preprocessed in asked and set(asked) <= {demo.preprocessed, demo.results}
    # Compression may still make it fit: a warning, the chain may start.
    tight = check(needed // 2)
    expect(tight, P.DISK_SPACE_LOW, WARNING, f"only {needed // 2 / 1e6:.1f} MB are free",
           "may still fit")
    assert tight.ok
    assert find(check(needed), P.DISK_SPACE_LOW) == []
    assert demo.snapshot() == before
    # With the fine-tuning plans written, their 2d target spacing is the estimate's: a coarser
    # spacing needs fewer voxels.
    plans = demo.write_finetune_plans(configurations=("2d",))
    plans["configurations"]["2d"]["spacing"] = [2.0, 2.0]  # the demo's is 0.8 mm in-plane
    finetune = inspect_dataset(demo.workspace, FINETUNE)
    coarse = estimate_preprocessed_bytes(finetune, plans, "2d")
    raw = estimate_preprocessed_bytes(finetune, None, "2d")
    assert 0 < coarse.bytes_needed < raw.bytes_needed


def test_disk_space_estimate_reads_nifti_headers_as_simpleitk_does(demo, tmp_path) -> None:
    """The estimate reads size and spacing from the NIfTI header itself (nifti_header's one
    reader; SimpleITK's header read costs ~25x more a file); both must agree, in mm, for every
    demo image and for each spatial unit a header may give (metres, microns)."""
    import numpy as np

    from nnft.core.nifti_header import read_nifti_header

    reader = sitk.ImageFileReader()

    def agrees(image: Path) -> None:
        reader.SetFileName(str(image))
        reader.ReadImageInformation()
        header = read_nifti_header(image)
        assert header is not None and header.shape == reader.GetSize(), image
        assert header.spacing == pytest.approx(reader.GetSpacing(), rel=1e-6), image

    images = sorted(demo.raw.rglob("*.nii.gz"))
    assert len(images) > 20
    for image in images:
        agrees(image)
    volume = sitk.GetImageFromArray(np.zeros((3, 4, 5), np.uint8))
    volume.SetSpacing((0.5, 0.75, 2.0))
    sitk.WriteImage(volume, str(tmp_path / "mm.nii"))
    header_bytes = bytearray((tmp_path / "mm.nii").read_bytes())
    for unit, scale in ((1, 1000.0), (3, 0.001), (0, 1.0)):  # metre, micron, unknown (mm)
        header_bytes[123] = unit | 8  # xyzt_units: the spatial unit, and seconds
        changed = tmp_path / f"unit{unit}.nii"
        changed.write_bytes(bytes(header_bytes))
        agrees(changed)
        assert read_nifti_header(changed).spacing == pytest.approx((0.5 * scale, 0.75 * scale,
                                                                    2.0 * scale))


def test_disk_space_low_in_a_chain_from_a_model(demo, expect, tmp_path, plans_factory) -> None:
    """Fine-tuning from a model: its preprocessing step (with the model's plans) is estimated."""
    model = _model_folder(tmp_path, plans_factory)
    options = demo.options(pretrained_model=str(model), plans_name="", configuration="")
    result = preflight(demo.workspace, None, 2, options, check_device_present=False,
                       check_weights=False, free_bytes_of=lambda folder: 1000,
                       disk_of=_own_disks)
    expect(result, P.DISK_SPACE_LOW, ERROR, str(demo.preprocessed), "step(s) 4", FINETUNE,
           "only 0.0 MB are free")


# --- LABEL_VALUES_UNEXPECTED (core/label_values.py: every voxel, opt-in or in the background)
def test_label_values_unexpected(demo, expect) -> None:
    """A label voxel of value 7 (dataset.json lists 0 and 1): the file, its case and the value."""
    from nnft.core.label_values import unexpected_label_values

    label = demo.finetune_raw / "labelsTr" / "ft_001.nii.gz"
    put_label_value(label)
    result = demo.preflight()
    assert P.LABEL_VALUES_UNEXPECTED not in result.codes()  # not part of the fast preflight
    assert result.finetune is not None
    problems = unexpected_label_values(result.finetune)
    expect(problems, P.LABEL_VALUES_UNEXPECTED, ERROR,
           f"{FINETUNE}/labelsTr/ft_001.nii.gz (case ft_001): 7", "(allowed: 0, 1)")


# -- DISK_SPACE_LOW before training: checkpoints and validation into nnUNet_results ------------
def test_disk_space_low_before_training(demo, expect, find, tmp_path, plans_factory) -> None:
    from nnft.core.datasets import inspect_dataset
    from nnft.core.disk_space import estimate_training_bytes

    plans = demo.write_finetune_plans(configurations=("2d",))
    pretrain, finetune = (inspect_dataset(demo.workspace, name) for name in (PRETRAIN, FINETUNE))
    # Steps 6 (pretraining, fold all: every case validated), 7 (fine-tuning) and 8 (baseline,
    # the fine-tuning's fold 0: a fifth of the cases) train the fine-tuning plans' network.
    estimates = [estimate_training_bytes("6", pretrain, plans, "2d", "all"),
                 estimate_training_bytes("7", finetune, plans, "2d", "0"),
                 estimate_training_bytes("8", finetune, plans, "2d", "0")]
    assert estimates[0].validation_cases == len(pretrain.cases)
    assert estimates[1].validation_cases == -(-len(finetune.cases) // 5)
    assert all(e.checkpoint_bytes > 0 and e.validation_bytes > 0 for e in estimates)
    needed = sum(e.bytes_needed for e in estimates)
    at_least = sum(e.bytes_at_least for e in estimates)
    assert 0 < at_least < needed
    before = demo.snapshot()
    asked: list[Path] = []

    def check(free: int, baseline: bool = True):
        def free_bytes_of(folder: Path) -> int:
            asked.append(folder)
            # The preprocessed data always fits here: only nnUNet_results is short.
            return free if folder == demo.results else 10**15
        return preflight(demo.workspace, 1, 2, demo.options(baseline=baseline),
                         check_device_present=False, check_weights=False,
                         free_bytes_of=free_bytes_of, disk_of=_own_disks)

    too_little = check(at_least - 1)
    problem = expect(too_little, P.DISK_SPACE_LOW, ERROR, "nnUNet_results", str(demo.results),
                     "step 6", PRETRAIN, "step 7", "step 8", f"up to {needed / 1e6:.1f} MB",
                     f"only {(at_least - 1) / 1e6:.1f} MB are free")
    assert "nnUNet_results" in problem.fix and not too_little.ok
    assert demo.results in asked
    tight = check(needed - 1)
    expect(tight, P.DISK_SPACE_LOW, WARNING, "nnUNet_results", "may still fit")
    assert tight.ok
    assert find(check(needed), P.DISK_SPACE_LOW) == []
    # Without the baseline, step 8 is not estimated.
    assert "step 8" not in expect(check(1000, baseline=False), P.DISK_SPACE_LOW, ERROR,
                                  "nnUNet_results", "step 7").message
    # A quick trial without nnU-Net's final validation writes no predictions: checkpoints only.
    no_validation = [estimate_training_bytes(e.step, info, plans, "2d", fold,
                                             final_validation=False)
                     for e, info, fold in zip(estimates, (pretrain, finetune, finetune),
                                              ("all", "0", "0"), strict=True)]
    assert all(e.validation_cases == 0 and e.validation_bytes == 0 for e in no_validation)
    assert [e.checkpoint_bytes for e in no_validation] == [e.checkpoint_bytes for e in estimates]
    checkpoints_only = sum(e.bytes_needed for e in no_validation)
    assert checkpoints_only < needed

    def quick_trial(free: int, final_validation: bool):
        return preflight(demo.workspace, 1, 2, demo.options(
            baseline=True, trial_epochs=2, trial_iterations=3,
            final_validation=final_validation), check_device_present=False,
            check_weights=False, disk_of=_own_disks,
            free_bytes_of=lambda folder: free if folder == demo.results else 10**15)

    assert find(quick_trial(checkpoints_only, final_validation=False), P.DISK_SPACE_LOW) == []
    expect(quick_trial(checkpoints_only, final_validation=True), P.DISK_SPACE_LOW, WARNING,
           "nnUNet_results")
    assert demo.snapshot() == before
    # A chain from a model: its fine-tuning (step 5) trains the model's network.
    model = _model_folder(tmp_path, plans_factory)
    options = demo.options(pretrained_model=str(model), plans_name="", configuration="")
    result = preflight(demo.workspace, None, 2, options, check_device_present=False,
                       check_weights=False,
                       free_bytes_of=lambda folder: 1000 if folder == demo.results else 10**15,
                       disk_of=_own_disks)
    expect(result, P.DISK_SPACE_LOW, ERROR, "nnUNet_results", "step 5", FINETUNE, "checkpoints")
    # Before the fine-tuning dataset is planned the network is not known: the message says so.
    demo.finetune_pre.joinpath("nnUNetPlans.json").unlink()
    expect(check(1000), P.DISK_SPACE_LOW, ERROR, "nnUNet_results", "validation of 12 case(s)",
           "checkpoints not estimated before planning")


def test_disk_space_low_when_preprocessed_and_results_share_a_disk(demo, expect, find) -> None:
    """nnUNet_preprocessed and nnUNet_results on one disk (the demo's: both in one temporary
    folder, told apart by st_dev): the preprocessing and the trainings that will run must fit
    together. Each fits alone, both together do not: one DISK_SPACE_LOW names both figures and
    their sum; on separate disks the same free space is enough."""
    from nnft.core.datasets import inspect_dataset
    from nnft.core.disk_space import (
        BEST_COMPRESSION,
        disk_of_folder,
        estimate_preprocessed_bytes,
        estimate_training_bytes,
    )

    plans = demo.write_finetune_plans(configurations=("2d",))
    pretrain, finetune = (inspect_dataset(demo.workspace, name) for name in (PRETRAIN, FINETUNE))
    # Steps 1 and 5 preprocess both datasets with these plans; 6, 7 and 8 train their network.
    preprocessing = sum(estimate_preprocessed_bytes(info, plans, "2d").bytes_needed
                        for info in (finetune, pretrain))
    trainings = [estimate_training_bytes("6", pretrain, plans, "2d", "all"),
                 estimate_training_bytes("7", finetune, plans, "2d", "0"),
                 estimate_training_bytes("8", finetune, plans, "2d", "0")]
    training = sum(e.bytes_needed for e in trainings)
    together = preprocessing + training
    at_least = preprocessing / BEST_COMPRESSION + sum(e.bytes_at_least for e in trainings)
    assert disk_of_folder(demo.preprocessed) == disk_of_folder(demo.results)
    # A folder not made yet is on its nearest existing parent's disk.
    assert disk_of_folder(demo.results / "not" / "yet") == disk_of_folder(demo.results)
    before = demo.snapshot()

    def check(free: int, disk_of=None):
        return preflight(demo.workspace, 1, 2, demo.options(baseline=True),
                         check_device_present=False, check_weights=False,
                         free_bytes_of=lambda folder: free, disk_of=disk_of)

    each_alone = max(preprocessing, training)
    assert at_least <= each_alone < together
    shared = check(each_alone)
    problem = expect(shared, P.DISK_SPACE_LOW, WARNING, "same disk", str(demo.preprocessed),
                     str(demo.results), f"together {together / 1e6:.1f} MB",
                     f"only {each_alone / 1e6:.1f} MB are free",
                     f"step(s) 1, 5) writes up to {preprocessing / 1e6:.1f} MB into "
                     "nnUNet_preprocessed", f"up to {training / 1e6:.1f} MB into nnUNet_results",
                     "step 6", "step 7", "step 8", PRETRAIN, FINETUNE, "may still fit")
    assert len(find(shared, P.DISK_SPACE_LOW)) == 1 and shared.ok
    assert "nnUNet_preprocessed or nnUNet_results" in problem.fix
    assert f"{(together - each_alone) / 1e6:.1f} MB" in problem.fix
    # On separate disks each fits its own: nothing to say (the separate checks unchanged).
    assert find(check(each_alone, disk_of=_own_disks), P.DISK_SPACE_LOW) == []
    # Less than the smallest sizes together: an error, the chain may not start.
    too_little = check(int(at_least) - 1)
    expect(too_little, P.DISK_SPACE_LOW, ERROR, "same disk", f"together {together / 1e6:.1f} MB")
    assert len(find(too_little, P.DISK_SPACE_LOW)) == 1 and not too_little.ok
    assert find(check(together), P.DISK_SPACE_LOW) == []
    assert demo.snapshot() == before


def test_training_space_estimate_bounds_the_real_network(plans_factory) -> None:
    """The parameter count from the plans (no torch) is nnU-Net's own network's: exact for
    PlainConvUNet, an upper bound for the residual encoder; a checkpoint holds the weights
    and SGD's momentum (measured: 2.01 × the float32 weights), the estimate 3 ×."""
    import copy

    from nnunetv2.utilities.get_network_from_plans import get_network_from_plans

    from nnft.core.disk_space import CHECKPOINT_BYTES_PER_PARAMETER, network_parameter_count

    def real_count(plans: dict, configuration: str, channels: int, classes: int) -> int:
        architecture = plans["configurations"][configuration]["architecture"]
        network = get_network_from_plans(
            architecture["network_class_name"], architecture["arch_kwargs"],
            architecture["_kw_requires_import"], channels, classes, deep_supervision=True)
        return sum(p.numel() for p in network.parameters())

    plans = plans_factory(FINETUNE, "nnUNetPlans", ("2d", "3d_fullres"))
    for configuration, channels, classes in (("2d", 1, 3), ("3d_fullres", 2, 4)):
        count = network_parameter_count(plans, configuration, channels, classes)
        assert count == real_count(plans, configuration, channels, classes)
    residual = copy.deepcopy(plans)
    architecture = residual["configurations"]["2d"]["architecture"]
    architecture["network_class_name"] = \
        "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet"
    kwargs = architecture["arch_kwargs"]
    kwargs["n_blocks_per_stage"] = kwargs.pop("n_conv_per_stage")
    real = real_count(residual, "2d", 1, 3)
    assert real <= network_parameter_count(residual, "2d", 1, 3) <= 1.2 * real
    assert CHECKPOINT_BYTES_PER_PARAMETER >= 2.01 * 4
    assert network_parameter_count({"configurations": {"2d": {}}}, "2d", 1, 3) is None
