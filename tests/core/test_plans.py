"""Plans (nnft.core.plans): the transfer matches nnU-Net's own move_plans_between_datasets, the
identifier guard only lets safe, new file names through, and the summaries and diffs show what
differs between two plans.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnft.core import problems as P
from nnft.core.plans import (
    DEFAULT_PLANS_IDENTIFIERS,
    MAX_IDENTIFIER_LENGTH,
    compare_configurations,
    data_identifier,
    identifier_syntax_problem,
    resolved_configuration,
    same_transfer,
    suggest_plans_identifier,
    summarize_configuration,
    trainable_configurations,
    transferred_plans,
    validate_plans_identifier,
)
from nnft.core.problems import Severity

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"
ALL_CONFIGS = ("2d", "3d_fullres", "3d_lowres", "3d_cascade_fullres")


# -- transfer == nnU-Net's move_plans_between_datasets -----------------------------------------
def _nnunet_move_plans(root: Path, monkeypatch, plans: dict, source: str, target: str) -> dict:
    """Run nnU-Net 2.8.1's own transfer in-process on the workspace at ``root``."""
    from nnunetv2.experiment_planning.plans_for_pretraining.move_plans_between_datasets import (
        move_plans_between_datasets,
    )

    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        monkeypatch.setenv(variable, str(root / variable))  # nnunetv2 2.8.1 reads them lazily
    source_file = root / "nnUNet_preprocessed" / FINETUNE / f"{source}.json"
    source_file.parent.mkdir(parents=True, exist_ok=True)
    source_file.write_text(json.dumps(plans), encoding="utf-8")
    (root / "nnUNet_preprocessed" / PRETRAIN).mkdir(parents=True, exist_ok=True)
    move_plans_between_datasets(2, 1, source, target)
    written = root / "nnUNet_preprocessed" / PRETRAIN / f"{target}.json"
    return json.loads(written.read_text(encoding="utf-8"))


def _without_reader(plans: dict) -> dict:
    return {k: v for k, v in plans.items() if k != "image_reader_writer"}


@pytest.mark.parametrize(("source", "target", "prefix", "expected_2d"), [
    ("nnUNetPlans", "MyPlans", None, "MyPlans_2d"),
    # ResEnc presets keep nnUNetPlans_* data identifiers: not a prefix of the source identifier.
    ("nnUNetResEncUNetMPlans", "MyPlans", "nnUNetPlans", "MyPlans_nnUNetPlans_2d"),
    ("nnUNetResEncUNetLPlans", "nnUNetResEncUNetLPlans_pt", "nnUNetPlans",
     "nnUNetResEncUNetLPlans_pt_nnUNetPlans_2d"),
    ("nnUNetPlans", "nnUNetPlans_pretrain_for_Dataset002", None,
     "nnUNetPlans_pretrain_for_Dataset002_2d"),
    # Same identifier: nnU-Net leaves the data identifiers alone.
    ("CustomPlans", "CustomPlans", None, "CustomPlans_2d"),
])
def test_transfer_matches_nnunet(demo, monkeypatch, plans_factory, source: str, target: str,
                                 prefix: str | None, expected_2d: str) -> None:
    plans = plans_factory(FINETUNE, source, ALL_CONFIGS, data_identifier_prefix=prefix)
    original = copy.deepcopy(plans)
    ours = transferred_plans(plans, PRETRAIN, source, target)
    assert plans == original, "the source plans must not be modified"
    theirs = _nnunet_move_plans(demo.root, monkeypatch, plans, source, target)

    assert _without_reader(ours) == _without_reader(theirs)
    assert same_transfer(theirs, ours)
    # Spelled out, so that the test does not only compare two implementations of one mistake.
    assert ours["dataset_name"] == PRETRAIN
    assert ours["plans_name"] == target
    assert ours["configurations"]["2d"]["data_identifier"] == expected_2d
    assert ours["configurations"]["3d_cascade_fullres"] == {"inherits_from": "3d_fullres",
                                                            "previous_stage": "3d_lowres"}
    assert data_identifier(ours, "3d_cascade_fullres") == \
        ours["configurations"]["3d_fullres"]["data_identifier"]
    for key in ("foreground_intensity_properties_per_channel",
                "original_median_spacing_after_transp", "transpose_forward"):
        assert ours[key] == plans[key]
    for name in ALL_CONFIGS:
        for key in ("patch_size", "spacing", "architecture", "normalization_schemes"):
            assert ours["configurations"][name].get(key) == plans["configurations"][name].get(key)


def test_transfer_of_custom_data_identifier_matches_nnunet(demo, monkeypatch,
                                                           plans_factory) -> None:
    plans = plans_factory(FINETUNE, "nnUNetPlans", ("2d", "3d_fullres"))
    plans["configurations"]["2d_big"] = dict(plans["configurations"]["2d"],
                                             data_identifier="custom_big_2d")
    ours = transferred_plans(plans, PRETRAIN, "nnUNetPlans", "PT")
    theirs = _nnunet_move_plans(demo.root, monkeypatch, plans, "nnUNetPlans", "PT")
    assert _without_reader(ours) == _without_reader(theirs)
    assert ours["configurations"]["2d_big"]["data_identifier"] == "PT_custom_big_2d"


_identifier = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True)


@settings(max_examples=20, deadline=None)
@given(source=_identifier, target=_identifier, suffixes=st.lists(_identifier, max_size=3),
       foreign=st.lists(_identifier, max_size=2))
def test_transfer_matches_nnunet_for_any_identifiers(shared_demo, plans_factory, source: str,
                                                     target: str, suffixes: list[str],
                                                     foreign: list[str]) -> None:
    plans = plans_factory(FINETUNE, source, ("2d", "3d_fullres", "3d_cascade_fullres"))
    for i, suffix in enumerate(suffixes):
        plans["configurations"][f"s{i}"] = {"data_identifier": f"{source}{suffix}"}
    for i, name in enumerate(foreign):
        plans["configurations"][f"f{i}"] = {"data_identifier": name, "batch_size": i}
    with pytest.MonkeyPatch.context() as monkeypatch:
        theirs = _nnunet_move_plans(shared_demo, monkeypatch, plans, source, target)
    assert _without_reader(transferred_plans(plans, PRETRAIN, source, target)) == \
        _without_reader(theirs)


def test_same_transfer_ignores_only_the_reader(plans_factory) -> None:
    plans = transferred_plans(plans_factory(), PRETRAIN, "nnUNetPlans", "PT")
    other_reader = dict(plans, image_reader_writer="NibabelIOWithReorient")
    assert same_transfer(other_reader, plans)
    changed = copy.deepcopy(plans)
    changed["configurations"]["2d"]["batch_size"] += 1
    assert not same_transfer(changed, plans)
    assert not same_transfer([], plans)
    assert not same_transfer(plans, None)


def test_transfer_tolerates_malformed_plans() -> None:
    for plans in ({}, {"configurations": "2d"}, {"configurations": {"2d": None}},
                  {"configurations": {"2d": {"data_identifier": 5}}}):
        result = transferred_plans(plans, PRETRAIN, "nnUNetPlans", "PT")
        assert result["dataset_name"] == PRETRAIN and result["plans_name"] == "PT"
        assert data_identifier(result, "2d") is None
        assert trainable_configurations(result) == []


# -- configurations: inheritance, summaries, diffs ---------------------------------------------
def test_resolved_configuration_follows_inherits_from(plans_factory) -> None:
    plans = plans_factory(configurations=ALL_CONFIGS)
    plans["configurations"]["3d_cascade_fullres"]["batch_size"] = 1
    resolved = resolved_configuration(plans, "3d_cascade_fullres")
    full = plans["configurations"]["3d_fullres"]
    assert "inherits_from" not in resolved
    assert resolved["batch_size"] == 1  # the child's own value wins
    assert resolved["patch_size"] == full["patch_size"]
    assert resolved["data_identifier"] == full["data_identifier"]
    assert resolved["previous_stage"] == "3d_lowres"
    assert plans["configurations"]["3d_cascade_fullres"]["inherits_from"] == "3d_fullres", \
        "resolving must not modify the plans"


def test_summarize_configuration_resolves_inherits_from(plans_factory) -> None:
    plans = plans_factory(configurations=ALL_CONFIGS, patch_size_3d=(40, 56, 64))
    cascade = summarize_configuration(plans, "3d_cascade_fullres")
    full = summarize_configuration(plans, "3d_fullres")
    assert cascade is not None and full is not None
    assert cascade.name == "3d_cascade_fullres"
    assert cascade.patch_size == (40, 56, 64)
    assert cascade.spacing == (2.0, 0.8, 0.8)
    assert cascade.data_identifier == "nnUNetPlans_3d_fullres"
    assert cascade.network_class == "PlainConvUNet"
    assert cascade.architecture_key == full.architecture_key
    assert [s.features for s in cascade.stages] == [32, 64, 128]
    assert cascade.stages[0].stride == (1, 1, 1) and cascade.stages[2].stride == (2, 2, 2)
    assert cascade.stages[1].kernel_size == (3, 3, 3)
    assert [s.n_convs for s in cascade.stages] == [2, 2, 2]


def test_summarize_2d_and_missing(plans_factory) -> None:
    plans = plans_factory(configurations=("2d",))
    summary = summarize_configuration(plans, "2d")
    assert summary.patch_size == (48, 48) and summary.batch_size == 12
    assert summary.normalization_schemes == ("CTNormalization",)
    assert summary.stages[2].kernel_size == (3, 3)
    assert summarize_configuration(plans, "3d_fullres") is None


def test_summarize_resenc_blocks(plans_factory) -> None:
    plans = plans_factory(configurations=("3d_fullres",))
    kwargs = plans["configurations"]["3d_fullres"]["architecture"]["arch_kwargs"]
    kwargs["n_blocks_per_stage"] = [1, 3, 4]
    del kwargs["n_conv_per_stage"]
    plans["configurations"]["3d_fullres"]["architecture"]["network_class_name"] = (
        "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet")
    summary = summarize_configuration(plans, "3d_fullres")
    assert summary.network_class == "ResidualEncoderUNet"
    assert [s.n_convs for s in summary.stages] == [1, 3, 4]


def test_inheritance_cycle_terminates() -> None:
    plans = {"configurations": {"a": {"inherits_from": "b", "patch_size": [1, 2]},
                                "b": {"inherits_from": "a", "batch_size": 3},
                                "c": {"inherits_from": "missing", "batch_size": 4}}}
    resolved = resolved_configuration(plans, "a")
    assert resolved["patch_size"] == [1, 2] and resolved["batch_size"] == 3
    assert resolved_configuration(plans, "c") == {"batch_size": 4}
    assert summarize_configuration(plans, "a").patch_size == (1, 2)


def test_compare_configurations_flags_patch_size(plans_factory) -> None:
    left = plans_factory(FINETUNE, configurations=("3d_fullres",), patch_size_3d=(32, 48, 48))
    right = plans_factory(PRETRAIN, configurations=("3d_fullres",), patch_size_3d=(40, 64, 64))
    rows = {row.key: row for row in compare_configurations(left, right, "3d_fullres")}
    assert not rows["patch_size"].equal
    assert (rows["patch_size"].left, rows["patch_size"].right) == ([32, 48, 48], [40, 64, 64])
    assert not rows["dataset_name"].equal
    different = {key for key, row in rows.items() if not row.equal}
    assert different == {"patch_size", "dataset_name"}
    assert rows["stage 2 stride"].left == [2, 2, 2]


def test_compare_transfer_with_its_source(plans_factory) -> None:
    source = plans_factory(configurations=("2d",))
    target = transferred_plans(source, PRETRAIN, "nnUNetPlans", "PT")
    rows = compare_configurations(source, target, "2d")
    assert {r.key for r in rows if not r.equal} == {"dataset_name", "plans_name",
                                                    "data_identifier"}
    assert any(r.key == "foreground_intensity_properties_per_channel" and r.equal for r in rows)


def test_compare_architectures_of_different_depth(plans_factory) -> None:
    left = plans_factory(configurations=("2d",))
    right = copy.deepcopy(left)
    kwargs = right["configurations"]["2d"]["architecture"]["arch_kwargs"]
    kwargs.update(n_stages=4, features_per_stage=[32, 64, 128, 256],
                  kernel_sizes=[[3, 3]] * 4, strides=[[1, 1], [2, 2], [2, 2], [2, 2]],
                  n_conv_per_stage=[2] * 4)
    rows = {row.key: row for row in compare_configurations(left, right, "2d")}
    assert (rows["n_stages"].left, rows["n_stages"].right) == (3, 4)
    assert rows["stage 3 features"].left is None and rows["stage 3 features"].right == 256
    assert summarize_configuration(left, "2d").architecture_key != \
        summarize_configuration(right, "2d").architecture_key


def test_compare_with_missing_configuration(plans_factory) -> None:
    rows = compare_configurations(plans_factory(configurations=("2d",)),
                                  plans_factory(configurations=("3d_fullres",)), "2d")
    configuration = [r for r in rows if r.key == "configuration"]
    assert configuration and (configuration[0].left, configuration[0].right) == ("2d", None)


def test_trainable_configurations(plans_factory) -> None:
    assert trainable_configurations(plans_factory(configurations=ALL_CONFIGS)) == [
        "2d", "3d_fullres", "3d_lowres"]
    assert trainable_configurations(plans_factory(configurations=("2d",))) == ["2d"]


# -- identifier guard ----------------------------------------------------------------------------
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")

_tricky = st.sampled_from([
    "", ".", "..", "../x", "a/../b", "a/b", "a\\b", "/abs", "C:\\x", "x\x00y", "x\ny", "\u202e",
    "nnUNetPlans", "nnUNetResEncUNetMPlans", "MyPlans.json", "MyPlans.JSON", " x", "x ", "a b",
    "ümlaut", "x" * MAX_IDENTIFIER_LENGTH, "x" * (MAX_IDENTIFIER_LENGTH + 1), "-x", "_x",
    "a..b", "a.b", "a+b", "CON", "NUL", "ok_1.2-3+4",
])
_names = st.one_of(st.text(), _tricky, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,110}",
                                                     fullmatch=True))


def _accepted_by_rule(name: str) -> bool:
    """The documented grammar: letters, digits, '_', '-', '.', '+', starting with a letter or
    digit, at most 100 characters, no '..', no '.json' ending, not an nnU-Net default."""
    return (bool(_SAFE.fullmatch(name)) and len(name) <= MAX_IDENTIFIER_LENGTH
            and ".." not in name and not name.lower().endswith(".json")
            and name not in DEFAULT_PLANS_IDENTIFIERS)


@settings(max_examples=300, deadline=None)
@given(name=_names)
def test_identifier_guard_accepts_only_safe_names(name: str) -> None:
    syntax = identifier_syntax_problem(name)
    if syntax is not None:
        assert syntax.code == P.PLANS_ID_INVALID and syntax.severity is Severity.ERROR
        assert syntax.fix and repr(name) in syntax.message
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "Dataset001_X"
        folder.mkdir()
        problems = validate_plans_identifier(name, folder)
        assert all(p.code in (P.PLANS_ID_INVALID, P.PLANS_ID_DEFAULT) for p in problems)
        assert all(p.is_error and p.fix for p in problems)
        assert (problems == []) == _accepted_by_rule(name)
        if problems:
            return
        assert name and name == name.strip()
        assert "/" not in name and "\\" not in name and ".." not in name
        assert not any(unicodedata.category(ch).startswith("C") for ch in name)
        target = folder / f"{name}.json"
        assert target.resolve().parent == folder.resolve()
        target.write_text("{}", encoding="utf-8")
        assert [p.name for p in folder.iterdir()] == [f"{name}.json"]
        assert [p.name for p in Path(tmp).iterdir()] == ["Dataset001_X"]


@pytest.mark.parametrize("value", [None, 5, b"bytes", ["x"]])
def test_identifier_guard_non_text(value) -> None:
    problem = identifier_syntax_problem(value)
    assert problem is not None and problem.code == P.PLANS_ID_INVALID
    assert validate_plans_identifier(value, None)[0].code == P.PLANS_ID_INVALID


@pytest.mark.parametrize("name", sorted(DEFAULT_PLANS_IDENTIFIERS))
def test_default_identifiers_are_refused(name: str) -> None:
    [problem] = validate_plans_identifier(name, None)
    assert problem.code == P.PLANS_ID_DEFAULT and problem.is_error
    assert f"'{name}'" in problem.message and problem.fix


def test_existing_identifier(tmp_path: Path, plans_factory) -> None:
    expected = transferred_plans(plans_factory(), PRETRAIN, "nnUNetPlans", "PT")
    (tmp_path / "PT.json").write_text(json.dumps(expected), encoding="utf-8")
    [reused] = validate_plans_identifier("PT", tmp_path, expected_plans=expected,
                                         allow_reuse=True)
    assert reused.code == P.PLANS_ID_EXISTS and reused.severity is Severity.INFO
    [refused] = validate_plans_identifier("PT", tmp_path, expected_plans=expected)
    assert refused.code == P.PLANS_ID_EXISTS and refused.is_error
    [unknown] = validate_plans_identifier("PT", tmp_path, allow_reuse=True)
    assert unknown.is_error and str(tmp_path / "PT.json") in unknown.message
    assert validate_plans_identifier("Other", tmp_path, expected_plans=expected) == []
    assert validate_plans_identifier("PT", tmp_path / "missing") == []


# -- suggested identifier ------------------------------------------------------------------------
BASE = "nnUNetPlans_pretrain_for_Dataset002"


def test_suggestion_without_folder() -> None:
    assert suggest_plans_identifier(FINETUNE, "nnUNetPlans", None) == BASE
    assert suggest_plans_identifier("Dataset017_Liver", "nnUNetResEncUNetMPlans", None) == \
        "nnUNetResEncUNetMPlans_pretrain_for_Dataset017"


def test_suggestion_skips_files_and_data_folders(tmp_path: Path) -> None:
    assert suggest_plans_identifier(FINETUNE, "nnUNetPlans", tmp_path / "missing") == BASE
    assert suggest_plans_identifier(FINETUNE, "nnUNetPlans", tmp_path) == BASE
    (tmp_path / f"{BASE}.json").write_text("{}")
    assert suggest_plans_identifier(FINETUNE, "nnUNetPlans", tmp_path) == f"{BASE}_2"
    (tmp_path / f"{BASE}_2_2d").mkdir()  # data of plans whose json was deleted
    (tmp_path / f"{BASE}_3.json").mkdir()  # anything at that path counts
    assert suggest_plans_identifier(FINETUNE, "nnUNetPlans", tmp_path) == f"{BASE}_4"


@settings(max_examples=60, deadline=None)
@given(taken=st.lists(st.tuples(st.integers(min_value=1, max_value=6),
                                st.sampled_from([".json", "_2d", "_3d_fullres", ""])),
                      max_size=8))
def test_suggestion_is_always_free_and_valid(taken: list[tuple[int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for number, suffix in taken:
            stem = BASE if number == 1 else f"{BASE}_{number}"
            path = folder / f"{stem}{suffix}"
            if suffix == ".json":
                path.write_text("{}")
            else:
                path.mkdir(exist_ok=True)
        suggestion = suggest_plans_identifier(FINETUNE, "nnUNetPlans", folder)
        assert validate_plans_identifier(suggestion, folder) == []
        assert not (folder / f"{suggestion}.json").exists()
        # No data folder of its own yet (nnU-Net names them <identifier>_<configuration>).
        assert not any(p.name.startswith(f"{suggestion}_") for p in folder.iterdir()
                       if p.is_dir())
        assert suggestion == BASE or re.fullmatch(re.escape(BASE) + r"_\d+", suggestion)
