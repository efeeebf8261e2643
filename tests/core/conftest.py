"""Shared fixtures of the core tests: a fresh copy of the demo workspace per test, hand-written
nnU-Net plans, and helpers to find problems and to prove that a check wrote nothing.

Writing the demo workspace is the slow part (~0.3 s), so it is written once per session and each
test gets a copy (a few milliseconds) it may change freely.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nnft.core.checks import Preflight, preflight
from nnft.core.demo import DemoWorkspace, write_demo_workspace
from nnft.core.problems import Problem, Severity
from nnft.core.steps import RunOptions
from nnft.core.workspace import Workspace

PRETRAIN = "Dataset001_DemoPretrain"
FINETUNE = "Dataset002_DemoFinetune"

_FOREGROUND_PROPERTIES = {
    "0": {
        "max": 167.0,
        "mean": 124.3,
        "median": 125.0,
        "min": 60.0,
        "percentile_00_5": 92.0,
        "percentile_99_5": 156.0,
        "std": 12.1,
    }
}


def _architecture(dim: int, features: Iterable[int] = (32, 64, 128),
                  network: str = "dynamic_network_architectures.architectures.unet.PlainConvUNet",
                  ) -> dict[str, Any]:
    features = list(features)
    n = len(features)
    kernel = [3] * dim
    strides = [[1] * dim] + [[2] * dim for _ in range(n - 1)]
    conv = "torch.nn.modules.conv.Conv2d" if dim == 2 else "torch.nn.modules.conv.Conv3d"
    return {
        "network_class_name": network,
        "arch_kwargs": {
            "n_stages": n,
            "features_per_stage": features,
            "conv_op": conv,
            "kernel_sizes": [list(kernel) for _ in range(n)],
            "strides": strides,
            "n_conv_per_stage": [2] * n,
            "n_conv_per_stage_decoder": [2] * (n - 1),
            "conv_bias": True,
            "norm_op": "torch.nn.modules.instancenorm.InstanceNorm3d",
            "norm_op_kwargs": {"eps": 1e-05, "affine": True},
            "dropout_op": None,
            "dropout_op_kwargs": None,
            "nonlin": "torch.nn.LeakyReLU",
            "nonlin_kwargs": {"inplace": True},
        },
        "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"],
    }


def make_plans(
    dataset_name: str = FINETUNE,
    plans_name: str = "nnUNetPlans",
    configurations: Iterable[str] = ("2d", "3d_fullres"),
    *,
    data_identifier_prefix: str | None = None,
    patch_size_2d: Iterable[int] = (48, 48),
    patch_size_3d: Iterable[int] = (32, 48, 48),
) -> dict[str, Any]:
    """A plans dict shaped like the ones nnU-Net 2.8.1's ExperimentPlanner writes.

    ``data_identifier_prefix`` defaults to ``plans_name`` (nnU-Net's ``generate_data_identifier``);
    ResEnc presets keep ``nnUNetPlans`` there, which the transfer must treat differently.
    """
    prefix = plans_name if data_identifier_prefix is None else data_identifier_prefix
    common = {
        "preprocessor_name": "DefaultPreprocessor",
        "normalization_schemes": ["CTNormalization"],
        "use_mask_for_norm": [False],
        "resampling_fn_data": "resample_data_or_seg_to_shape",
        "resampling_fn_seg": "resample_data_or_seg_to_shape",
        "resampling_fn_data_kwargs": {"is_seg": False, "order": 3, "order_z": 0,
                                      "force_separate_z": None},
        "resampling_fn_seg_kwargs": {"is_seg": True, "order": 1, "order_z": 0,
                                     "force_separate_z": None},
        "resampling_fn_probabilities": "resample_data_or_seg_to_shape",
        "resampling_fn_probabilities_kwargs": {"is_seg": False, "order": 1, "order_z": 0,
                                               "force_separate_z": None},
        "batch_dice": True,
    }
    all_configs: dict[str, dict[str, Any]] = {
        "2d": {
            "data_identifier": f"{prefix}_2d",
            "batch_size": 12,
            "patch_size": list(patch_size_2d),
            "median_image_size_in_voxels": [48.0, 48.0],
            "spacing": [0.8, 0.8],
            **copy.deepcopy(common),
            "architecture": _architecture(2),
            "batch_dice": True,
        },
        "3d_fullres": {
            "data_identifier": f"{prefix}_3d_fullres",
            "batch_size": 2,
            "patch_size": list(patch_size_3d),
            "median_image_size_in_voxels": [32.0, 48.0, 48.0],
            "spacing": [2.0, 0.8, 0.8],
            **copy.deepcopy(common),
            "architecture": _architecture(3),
            "batch_dice": False,
        },
        "3d_lowres": {
            "data_identifier": f"{prefix}_3d_lowres",
            "batch_size": 2,
            "patch_size": [24, 32, 32],
            "median_image_size_in_voxels": [20.0, 30.0, 30.0],
            "spacing": [3.2, 1.28, 1.28],
            **copy.deepcopy(common),
            "architecture": _architecture(3),
            "batch_dice": False,
            "next_stage": ["3d_cascade_fullres"],
        },
        "3d_cascade_fullres": {"inherits_from": "3d_fullres", "previous_stage": "3d_lowres"},
    }
    return {
        "dataset_name": dataset_name,
        "plans_name": plans_name,
        "original_median_spacing_after_transp": [2.0, 0.8, 0.8],
        "original_median_shape_after_transp": [32, 48, 48],
        "image_reader_writer": "SimpleITKIO",
        "transpose_forward": [0, 1, 2],
        "transpose_backward": [0, 1, 2],
        "configurations": {c: all_configs[c] for c in configurations},
        "experiment_planner_used": "ExperimentPlanner",
        "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": copy.deepcopy(_FOREGROUND_PROPERTIES),
    }


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(root: Path) -> dict[str, str]:
    """Every folder and file under ``root``: folders by name, files by their sha256 and mode."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in dirnames:
            state[str((base / name).relative_to(root)) + "/"] = "dir"
        for name in filenames:
            path = base / name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[str(path.relative_to(root))] = f"{digest} {oct(path.stat().st_mode)}"
    return state


def problems_with(problems: Preflight | list[Problem], code: str) -> list[Problem]:
    found = problems.problems if isinstance(problems, Preflight) else problems
    return [p for p in found if p.code == code]


def expect_problem(problems: Preflight | list[Problem], code: str, severity: Severity,
                   *needles: str) -> Problem:
    """The one problem with this code and severity whose message names all ``needles``.

    Errors and warnings must say how to fix them.
    """
    candidates = [p for p in problems_with(problems, code) if p.severity is severity]
    found = problems.problems if isinstance(problems, Preflight) else problems
    assert candidates, f"no {severity.value} {code} among {[str(p) for p in found]}"
    matching = [p for p in candidates if all(n in p.message for n in needles)]
    assert matching, (f"no {code} message names all of {needles}: "
                      f"{[p.message for p in candidates]}")
    problem = matching[0]
    assert problem.severity is severity
    if severity is not Severity.INFO:
        assert problem.fix.strip(), f"{code} has no fix: {problem}"
    # Problems serialise for `nnft check --json`.
    assert problem.to_dict()["severity"] == severity.value
    return problem


@dataclass
class DemoCopy:
    """A private, writable copy of the demo workspace."""

    root: Path
    demo: DemoWorkspace

    @property
    def workspace(self) -> Workspace:
        return Workspace.from_root(self.root)

    @property
    def raw(self) -> Path:
        return self.root / "nnUNet_raw"

    @property
    def preprocessed(self) -> Path:
        return self.root / "nnUNet_preprocessed"

    @property
    def results(self) -> Path:
        return self.root / "nnUNet_results"

    @property
    def pretrain_raw(self) -> Path:
        return self.raw / PRETRAIN

    @property
    def finetune_raw(self) -> Path:
        return self.raw / FINETUNE

    @property
    def pretrain_pre(self) -> Path:
        return self.preprocessed / PRETRAIN

    @property
    def finetune_pre(self) -> Path:
        return self.preprocessed / FINETUNE

    def options(self, **overrides: Any) -> RunOptions:
        values: dict[str, Any] = {"configuration": "2d", "plans_name": "MyPlans",
                                  "device": "cpu", "fold": "0"}
        values.update(overrides)
        return RunOptions(**values)

    def preflight(self, pretrain: str | int = 1, finetune: str | int = 2,
                  workspace: Workspace | None = None, **overrides: Any) -> Preflight:
        return preflight(workspace or self.workspace, pretrain, finetune,
                         self.options(**overrides), check_device_present=False)

    def edit_dataset_json(self, dataset_dir: Path, change: Callable[[dict], Any]) -> dict:
        data = read_json(dataset_dir / "dataset.json")
        change(data)
        write_json(dataset_dir / "dataset.json", data)
        return data

    def write_finetune_plans(self, plans_name: str = "nnUNetPlans", **kwargs: Any) -> dict:
        plans = make_plans(FINETUNE, plans_name, **kwargs)
        write_json(self.finetune_pre / f"{plans_name}.json", plans)
        return plans

    def snapshot(self) -> dict[str, str]:
        return snapshot(self.root)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoWorkspace:
    return write_demo_workspace(tmp_path_factory.mktemp("demo_template") / "workspace")


@pytest.fixture
def demo(demo_template: DemoWorkspace, tmp_path: Path) -> DemoCopy:
    root = tmp_path / "workspace"
    shutil.copytree(demo_template.root, root)
    return DemoCopy(root, demo_template)


@pytest.fixture(scope="module")
def shared_demo(demo_template: DemoWorkspace, tmp_path_factory: pytest.TempPathFactory):
    """One copy for a whole module (hypothesis tests)."""
    root = tmp_path_factory.mktemp("shared") / "workspace"
    shutil.copytree(demo_template.root, root)
    return root


# Helpers as (stateless, session-scoped) fixtures: with pytest's importlib import mode a test
# module cannot import this conftest.
@pytest.fixture(scope="session")
def plans_factory() -> Callable[..., dict[str, Any]]:
    return make_plans


@pytest.fixture(scope="session")
def expect() -> Callable[..., Problem]:
    return expect_problem


@pytest.fixture(scope="session")
def find() -> Callable[..., list[Problem]]:
    return problems_with


@pytest.fixture(scope="session")
def snapshot_of() -> Callable[[Path], dict[str, str]]:
    return snapshot
