"""Datasets (nnft.core.datasets): references, discovery, dataset.json validation on arbitrary
input, header scans, and paths with spaces and non-ASCII characters.
"""

from __future__ import annotations

import json
import shlex
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nnft.core import problems as P
from nnft.core.checks import preflight
from nnft.core.datasets import (
    REQUIRED_KEYS,
    candidate_names,
    dataset_id_from_name,
    inspect_dataset,
    list_dataset_ids,
    load_dataset_json,
    parse_dataset_reference,
    resolve_dataset,
    scan_image_headers,
    validate_dataset_json,
)
from nnft.core.demo import write_demo_workspace
from nnft.core.i18n import load_catalog, translate
from nnft.core.problems import Severity
from nnft.core.steps import RunOptions, build_chain
from nnft.core.workspace import Workspace

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"


# -- references and discovery -------------------------------------------------------------------
@pytest.mark.parametrize(("reference", "expected"), [
    (2, (2, None)),
    ("2", (2, None)),
    ("002", (2, None)),
    (" 2 ", (2, None)),
    ("999", (999, None)),
    (FINETUNE, (2, FINETUNE)),
    (" Dataset002_DemoFinetune ", (2, FINETUNE)),
    (0, (None, None)),
    (1000, (None, None)),
    ("-2", (None, None)),
    ("", (None, None)),
    ("DemoFinetune", (None, None)),
    ("Dataset2_X", (None, None)),
    ("Dataset002_", (None, None)),
])
def test_parse_dataset_reference(reference, expected) -> None:
    assert parse_dataset_reference(reference) == expected


@pytest.mark.parametrize("reference", [2, "2", "002", " 002", FINETUNE])
def test_resolve_dataset(demo, reference) -> None:
    assert resolve_dataset(demo.workspace, reference, "fine-tuning") == (FINETUNE, [])


def test_resolve_dataset_wrong_name(demo) -> None:
    name, problems = resolve_dataset(demo.workspace, "Dataset002_Heart", "fine-tuning")
    assert name is None
    [problem] = problems
    assert problem.code == P.DATASET_NOT_FOUND and "Dataset002_Heart" in problem.message


def test_resolve_dataset_problem_in_chinese_with_its_role(demo) -> None:
    """The CLI's English is as before; the wizard's zh_CN catalog translates the frame and the
    role fragment inside it, and leaves the dataset name and the folder as they are."""
    _, [problem] = resolve_dataset(demo.workspace, "Dataset002_Heart", "pretraining")
    assert problem.message == f"No pretraining dataset Dataset002_Heart in {demo.workspace.raw}."
    catalog = load_catalog("zh_CN")
    assert translate(problem.message, catalog) == \
        f"{demo.workspace.raw} 中没有预训练数据集 Dataset002_Heart。"
    assert "nnUNet_raw" in translate(problem.fix, catalog) != problem.fix


def test_resolve_dataset_found_only_in_results(demo) -> None:
    # nnU-Net's find_candidate_datasets looks in all three roots, and so does nnFT.
    (demo.results / "Dataset009_Trained").mkdir()
    assert resolve_dataset(demo.workspace, 9, "pretraining") == ("Dataset009_Trained", [])


def test_candidates_and_ids(demo) -> None:
    demo.pretrain_pre.mkdir()
    (demo.preprocessed / "Dataset003_Planned").mkdir()
    (demo.results / "Dataset004_OnlyResults").mkdir()
    (demo.raw / "Dataset005_file").write_text("not a folder")
    (demo.raw / "notadataset").mkdir()
    assert candidate_names(demo.workspace, 1) == {
        PRETRAIN: [demo.pretrain_raw, demo.pretrain_pre]}
    assert candidate_names(demo.workspace, 5) == {}
    assert list_dataset_ids(demo.workspace) == {1: PRETRAIN, 2: FINETUNE, 3: "Dataset003_Planned"}
    assert dataset_id_from_name("Dataset123_A_B") == 123
    assert dataset_id_from_name("Dataset12_A") is None


def test_inspect_demo_datasets(demo) -> None:
    pretrain = inspect_dataset(demo.workspace, PRETRAIN)
    finetune = inspect_dataset(demo.workspace, FINETUNE)
    assert pretrain.ok and finetune.ok
    assert (pretrain.dataset_id, finetune.dataset_id) == (1, 2)
    assert sorted(pretrain.cases) == [f"pt_{i:03d}" for i in range(1, 13)]
    assert len(finetune.cases) == 6 == finetune.num_training
    case = finetune.cases["ft_003"]
    assert [Path(p).name for p in case["images"]] == ["ft_003_0000.nii.gz"]
    assert Path(case["label"]) == demo.finetune_raw / "labelsTr" / "ft_003.nii.gz"
    assert pretrain.channel_names == {"0": "CT"} and pretrain.file_ending == ".nii.gz"
    assert pretrain.labels == {"background": 0, "organ": 1, "lesion": 2}


# -- header scan ------------------------------------------------------------------------------
def test_scan_image_headers_demo_spacings(demo) -> None:
    pretrain = scan_image_headers(inspect_dataset(demo.workspace, PRETRAIN))
    finetune = scan_image_headers(inspect_dataset(demo.workspace, FINETUNE))
    assert pretrain.median_spacing == pytest.approx((1.0, 1.0, 2.5))
    assert pretrain.median_size == pretrain.min_size == pretrain.max_size == (56, 56, 36)
    assert (pretrain.n_cases_scanned, pretrain.n_channels, pretrain.dimension) == (12, 1, 3)
    assert pretrain.pixel_types == ("16-bit signed integer",)
    assert finetune.median_spacing == pytest.approx((0.8, 0.8, 2.0), rel=1e-6)
    assert finetune.median_size == (48, 48, 32)
    assert finetune.n_cases_scanned == 6


def test_scan_image_headers_limits_and_unreadable(demo) -> None:
    info = inspect_dataset(demo.workspace, FINETUNE)
    assert scan_image_headers(info, max_cases=2).n_cases_scanned == 2
    (demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz").write_bytes(b"not an image")
    assert scan_image_headers(info).n_cases_scanned == 5
    for case in info.cases.values():
        Path(case["images"][0]).write_bytes(b"junk")
    assert scan_image_headers(info) is None


# -- paths with spaces and non-ASCII characters ---------------------------------------------
def test_workspace_with_spaces_and_umlauts(tmp_path: Path, monkeypatch, snapshot_of) -> None:
    # Not the `demo` fixture: nnU-Net's real (multiprocessing) case listing runs here.
    root = tmp_path / "my wörk space"
    write_demo_workspace(root, n_pretrain=3, n_finetune=2)
    workspace = Workspace.from_root(root)
    before = snapshot_of(root)
    result = preflight(workspace, 1, 2, RunOptions(configuration="2d", plans_name="MyPlans",
                                                   device="cpu"), check_device_present=False)
    assert result.ok, [str(p) for p in result.problems]
    assert snapshot_of(root) == before
    assert all(str(root) in p for c in result.pretrain.cases.values() for p in c["images"])
    steps = {s.key: s for s in build_chain(result.context)}
    weights = steps["finetune"].argv[-1]
    assert weights.startswith(str(root / "nnUNet_results")) and Path(weights).name == \
        "checkpoint_final.pth"
    # The exported shell line survives quoting.
    assert shlex.split(steps["copy_dataset_json"].command_line()) == [
        "cp", str(root / "nnUNet_raw" / PRETRAIN / "dataset.json"),
        str(root / "nnUNet_preprocessed" / PRETRAIN / "dataset.json")]
    summary = scan_image_headers(result.finetune)
    assert summary is not None and summary.n_cases_scanned == 2
    monkeypatch.setenv("nnUNet_raw", str(root / "nnUNet_raw"))
    assert Workspace.from_environment().raw == root / "nnUNet_raw"


# -- dataset.json validation on arbitrary input ----------------------------------------------
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
_keys = st.sampled_from(["channel_names", "modality", "labels", "numTraining", "file_ending",
                         "regions_class_order", "dataset", "name"])
_near_dataset_json = st.dictionaries(_keys, _json, max_size=6)


@st.composite
def valid_dataset_json(draw) -> dict:
    n_channels = draw(st.integers(1, 4))
    names = draw(st.lists(st.text(min_size=1, max_size=8).filter(str.strip),
                          min_size=n_channels, max_size=n_channels))
    label_names = draw(st.lists(st.text(min_size=1, max_size=8).filter(
        lambda s: s not in ("background", "ignore")), unique=True, max_size=5))
    labels = {"background": 0, **{name: i + 1 for i, name in enumerate(label_names)}}
    if draw(st.booleans()):
        labels["ignore"] = len(label_names) + 1
    order = draw(st.permutations(list(labels.items())))
    data = {
        "channel_names": {str(i): name for i, name in enumerate(names)},
        "labels": dict(order),
        "numTraining": draw(st.integers(1, 10_000)),
        "file_ending": draw(st.sampled_from([".nii.gz", ".nrrd", ".mha", ".png", ".tif"])),
    }
    if draw(st.booleans()):
        data["name"] = draw(st.text(max_size=10))
    if draw(st.booleans()):
        data["modality"] = data.pop("channel_names")  # the legacy key
    return data


def _assert_well_formed(problems: list, where: str) -> None:
    for problem in problems:
        assert problem.code == P.DATASET_JSON_INVALID
        assert problem.severity is Severity.ERROR
        assert problem.message.startswith(where) and problem.fix


@settings(max_examples=300, deadline=None)
@given(data=_json | _near_dataset_json)
def test_validate_arbitrary_json_never_raises(data) -> None:
    problems = validate_dataset_json(data, "X/dataset.json")
    _assert_well_formed(problems, "X/dataset.json")
    if not isinstance(data, dict):
        assert problems
    else:
        missing = [k for k in REQUIRED_KEYS if k not in data]
        if "channel_names" not in data and "modality" not in data:
            missing.append("channel_names")
        for key in missing:
            assert any(f"'{key}' is missing" in p.message for p in problems)


@settings(max_examples=200, deadline=None)
@given(data=valid_dataset_json())
def test_validate_accepts_valid_dataset_json(data: dict) -> None:
    assert validate_dataset_json(data, "dataset.json") == []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dataset.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert load_dataset_json(path) == (data, [])


_breakages = {
    "drop_labels": lambda d: d.pop("labels"),
    "drop_numTraining": lambda d: d.pop("numTraining"),
    "drop_file_ending": lambda d: d.pop("file_ending"),
    "drop_channels": lambda d: (d.pop("channel_names", None), d.pop("modality", None)),
    "numTraining_zero": lambda d: d.update(numTraining=0),
    "numTraining_bool": lambda d: d.update(numTraining=True),
    "numTraining_float": lambda d: d.update(numTraining=3.0),
    "file_ending_plain": lambda d: d.update(file_ending="nii"),
    "file_ending_dot": lambda d: d.update(file_ending="."),
    "background_1": lambda d: d["labels"].update(background=1),
    "background_bool": lambda d: d["labels"].update(background=False),
    "label_gap": lambda d: d["labels"].update(extra_label_x=len(d["labels"]) + 5),
    "label_text": lambda d: d["labels"].update(extra_label_x="1"),
    "label_null": lambda d: d["labels"].update(extra_label_x=None),
    "label_empty_list": lambda d: d["labels"].update(extra_label_x=[]),
    "ignore_low": lambda d: d["labels"].update(ignore=0),
    "ignore_region": lambda d: d["labels"].update(ignore=[1, 2]),
    "channels_list": lambda d: d.update(channel_names=["CT"]),
    "channels_gap": lambda d: d.update(channel_names={"0": "CT", "2": "MR"}),
    "channels_empty": lambda d: d.update(channel_names={}),
    "channel_number": lambda d: d.update(channel_names={"0": 1}),
    "labels_list": lambda d: d.update(labels=["background"]),
}


@settings(max_examples=200, deadline=None)
@given(data=valid_dataset_json(), breakage=st.sampled_from(sorted(_breakages)))
def test_validate_flags_broken_dataset_json(data: dict, breakage: str) -> None:
    if breakage.startswith("channel"):
        data.pop("modality", None)
        data["channel_names"] = {"0": "CT"}
    _breakages[breakage](data)
    problems = validate_dataset_json(data, "dataset.json")
    assert problems, f"{breakage} not flagged: {data}"
    _assert_well_formed(problems, "dataset.json")


_label_values = st.integers(-2, 6) | st.booleans() | st.lists(st.integers(0, 4), max_size=3)


@settings(max_examples=200, deadline=None)
@given(labels=st.dictionaries(st.sampled_from(["background", "a", "b", "c", "ignore"]),
                              _label_values, max_size=5),
       with_order=st.booleans())
@example(labels={"background": 0, "a": 1, "ignore": 5}, with_order=False)
@example(labels={"background": 0, "ignore": 0}, with_order=False)
@example(labels={"background": 0, "a": [1, 2], "ignore": [3, 4]}, with_order=True)
@example(labels={"background": 0, "a": [1, 2], "b": 2, "ignore": 3}, with_order=True)
def test_accepted_labels_are_accepted_by_nnunet(labels: dict, with_order: bool) -> None:
    """Whatever nnFT accepts, nnU-Net's LabelManager (planning and training) accepts too."""
    from nnunetv2.utilities.label_handling.label_handling import LabelManager

    # nnU-Net's LabelManager: regions when any value is a list of 2+; then every entry but
    # 'ignore' and background-only ones is a region, and regions_class_order must match them.
    has_regions = any(isinstance(v, list) and len(v) > 1 for v in labels.values())
    regions = [v for k, v in labels.items() if k != "ignore"
               and v != 0 and not (isinstance(v, list) and set(v) == {0})] if has_regions else []
    data = {"channel_names": {"0": "CT"}, "labels": labels, "numTraining": 1,
            "file_ending": ".nii.gz"}
    if with_order:
        data["regions_class_order"] = list(range(1, len(regions) + 1))
    if validate_dataset_json(data, "dataset.json"):
        return
    if has_regions and not with_order:
        pytest.fail("region-based labels without regions_class_order were accepted")
    LabelManager(labels, data.get("regions_class_order"))


# -- load_dataset_json on arbitrary bytes ----------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=200) | _json.map(lambda v: json.dumps(v).encode())
       | valid_dataset_json().map(lambda v: json.dumps(v).encode("utf-8")))
def test_load_arbitrary_bytes_never_raises(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dataset.json"
        path.write_bytes(content)
        data, problems = load_dataset_json(path)
    try:
        parsed = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        assert data is None and problems, "not JSON, yet accepted"
    if data is None:
        assert problems
        _assert_well_formed(problems, str(path))
    else:
        assert problems == [] and data == parsed
        assert validate_dataset_json(parsed, "x") == []


@pytest.mark.parametrize("content", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark
    b"",
    b"NaN",
])
def test_load_pathological_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dataset.json"
    path.write_bytes(content)
    data, problems = load_dataset_json(path)
    assert data is None and problems
    _assert_well_formed(problems, str(path))


def test_load_missing_and_folder(tmp_path: Path) -> None:
    data, [problem] = load_dataset_json(tmp_path / "dataset.json")
    assert data is None and "does not exist" in problem.message
    (tmp_path / "folder.json").mkdir()
    data, [problem] = load_dataset_json(tmp_path / "folder.json")
    assert data is None and problem.code == P.DATASET_JSON_INVALID


# -- case listing: nnU-Net's rule, one pass ------------------------------------------------------
_NAME_PARTS = st.sampled_from(["a", "b", "case", "_", "0", "1", "0000", "0001", "_0000",
                               "_0001", "x_1", ".", "-", "1234", "١٢٣٤"])


@settings(max_examples=60, deadline=None)
@given(names=st.lists(st.lists(_NAME_PARTS, min_size=1, max_size=5).map("".join),
                      min_size=1, max_size=12, unique=True),
       ending=st.sampled_from([".nii.gz", ".png", ".mha"]))
@example(names=["a_0000", "a_0000_0001", "a_0001", "b_0000", "bc", "_0000"], ending=".nii.gz")
def test_case_listing_equals_nnunets_own(names: list[str], ending: str) -> None:
    """The same cases and files as nnU-Net's identifiers + create_paths_fn, on odd names."""
    from nnunetv2.utilities.utils import (
        create_paths_fn,
        get_identifiers_from_splitted_dataset_folder,
    )

    from nnft.core.datasets import list_training_cases

    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        (raw / "imagesTr").mkdir()
        for name in names:
            (raw / "imagesTr" / f"{name}{ending}").write_bytes(b"")
        (raw / "imagesTr" / f"other{'.txt'}").write_bytes(b"")  # another ending: ignored
        files = sorted(p.name for p in (raw / "imagesTr").iterdir() if p.name.endswith(ending))
        expected = {
            str(case): create_paths_fn(str(raw / "imagesTr"), files, ending, str(case))
            for case in get_identifiers_from_splitted_dataset_folder(str(raw / "imagesTr"),
                                                                     ending)
        }
        listed = list_training_cases(raw, {"file_ending": ending})
    assert {case: entry["images"] for case, entry in listed.items()} == expected
    assert list(listed) == sorted(expected)


def test_largest_image_voxels_reads_nifti_headers_like_simpleitk(demo, tmp_path) -> None:
    import SimpleITK as sitk

    from nnft.core.datasets import largest_image_voxels
    from nnft.core.nifti_header import read_nifti_header

    def nifti_shape(path):
        header = read_nifti_header(path)
        return header.shape if header is not None else None

    pretrain = inspect_dataset(demo.workspace, PRETRAIN)
    finetune = inspect_dataset(demo.workspace, FINETUNE)
    assert largest_image_voxels(pretrain, finetune) == 56 * 56 * 36
    # NIfTI-1 and NIfTI-2, compressed or not, 2d to 4d: the size SimpleITK reports.
    for shape, name in [((7, 5), "a.nii"), ((9, 8, 3), "b.nii.gz"), ((4, 3, 2, 2), "c.nii.gz")]:
        image = sitk.Image(list(shape), sitk.sitkInt16)
        sitk.WriteImage(image, str(tmp_path / name))
        reader = sitk.ImageFileReader()
        reader.SetFileName(str(tmp_path / name))
        reader.ReadImageInformation()
        assert nifti_shape(tmp_path / name) == tuple(reader.GetSize()) == shape
    nibabel = pytest.importorskip("nibabel")
    import numpy as np

    nibabel.save(nibabel.Nifti2Image(np.zeros((6, 4, 3), np.int16), np.eye(4)),
                 str(tmp_path / "two.nii.gz"))
    assert nifti_shape(tmp_path / "two.nii.gz") == (6, 4, 3)
    # Anything else: None, and the caller asks SimpleITK (which names the real error).
    (tmp_path / "junk.nii.gz").write_bytes(b"not gzip at all")
    (tmp_path / "short.nii").write_bytes(b"\x5c\x01\x00\x00")
    assert nifti_shape(tmp_path / "junk.nii.gz") is None
    assert nifti_shape(tmp_path / "short.nii") is None
    assert nifti_shape(tmp_path / "missing.nii") is None
    # A non-NIfTI dataset falls back to SimpleITK's header read.
    image = sitk.Image([11, 13, 2], sitk.sitkUInt8)
    sitk.WriteImage(image, str(tmp_path / "x_0000.mha"))
    finetune.cases = {"x": {"images": [str(tmp_path / "x_0000.mha")]}}
    assert largest_image_voxels(finetune) == 11 * 13 * 2
