"""Weights ↔ plans compatibility, safe checkpoint reading, and GPU checkpoints on the CPU.

Checkpoints here are built like nnU-Net 2.8.1's ``save_checkpoint`` writes them, around real
networks from nnU-Net's own builder (``get_network_from_plans``) on hand-written plans.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from nnft.core import cli
from nnft.core import weights as W
from nnft.core.i18n import load_catalog, translate
from nnft.core.problems import (
    WEIGHTS_ARCH_MISMATCH,
    WEIGHTS_CHANNEL_MISMATCH,
    WEIGHTS_UNREADABLE,
    Severity,
)
from nnft.core.steps import build_chain
from nnft.core.weights import compare as weights_compare
from nnft.core.weights import read as weights_read

FINETUNE = "Dataset002_DemoFinetune"
DATASET_JSON = {"channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1},
                "numTraining": 6, "file_ending": ".nii.gz"}
RESENC = "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet"


# -- helpers ------------------------------------------------------------------------------------
def build_network(plans: dict, configuration: str, channels: int = 1, heads: int = 2):
    """A real network, exactly as nnUNetTrainer.build_network_architecture builds it."""
    from nnunetv2.utilities.get_network_from_plans import get_network_from_plans
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    config = PlansManager(plans).get_configuration(configuration)
    return get_network_from_plans(config.network_arch_class_name,
                                  config.network_arch_init_kwargs,
                                  config.network_arch_init_kwargs_req_import, channels, heads,
                                  allow_init=True, deep_supervision=True)


def nnunet_checkpoint(state: dict, plans: dict | None = None, configuration: str | None = None,
                      dataset_json: dict | None = None) -> dict[str, Any]:
    """The dict nnUNetTrainer.save_checkpoint writes (numpy scalars included)."""
    checkpoint: dict[str, Any] = {
        "network_weights": state,
        "optimizer_state": {"state": {}, "param_groups": [{"lr": 0.01, "params": [0]}]},
        "grad_scaler_state": None,
        "logging": {"mean_fg_dice": [np.float32(0.61)], "ema_fg_dice": [np.float32(0.61)],
                    "dice_per_class_or_region": [[np.float32(0.61)]],
                    "train_losses": [np.float32(-0.3)], "val_losses": [np.float32(-0.2)],
                    "lrs": [0.01], "epoch_start_timestamps": [1.0],
                    "epoch_end_timestamps": [2.0]},
        # float64, as trainings with numpy < 2 write it (float32 * 0.9 promotes to float64)
        "_best_ema": np.float64(0.61),
        "current_epoch": 1,
        "trainer_name": "nnUNetTrainer",
        "inference_allowed_mirroring_axes": (0, 1),
    }
    if plans is not None:
        checkpoint["init_args"] = {"plans": plans, "configuration": configuration, "fold": 0,
                                   "dataset_json": dataset_json or DATASET_JSON,
                                   "device": torch.device("cpu")}
    return checkpoint


def rewrite_data_pkl(source: Path, target: Path, change: Callable[[bytes], bytes]) -> Path:
    """Copy a torch zip checkpoint, editing its pickle (data.pkl) on the way."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("/data.pkl"):
                edited = change(data)
                assert edited != data, "the edit changed nothing"
                data = edited
            zout.writestr(info.filename, data)
    return target


def claim_cuda(data: bytes) -> bytes:
    """Storage locations 'cpu' -> 'cuda:0' (pickle protocol 2: BINUNICODE with its length)."""
    return data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")


def resenc(plans: dict, configuration: str) -> dict:
    plans = copy.deepcopy(plans)
    arch = plans["configurations"][configuration]["architecture"]
    arch["network_class_name"] = RESENC
    kwargs = arch["arch_kwargs"]
    kwargs["n_blocks_per_stage"] = [1, 2, 2][: kwargs["n_stages"]]
    del kwargs["n_conv_per_stage"]
    plans["plans_name"] = "nnUNetResEncUNetMPlans"
    return plans


def with_strides(plans: dict, configuration: str, strides: list) -> dict:
    plans = copy.deepcopy(plans)
    plans["configurations"][configuration]["architecture"]["arch_kwargs"]["strides"] = strides
    return plans


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plans(plans_factory) -> dict:
    return plans_factory(FINETUNE, "nnUNetPlans", ("2d", "3d_fullres"))


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory, plans) -> dict[str, Path]:
    """Checkpoints of real nnU-Net networks, saved once for the module."""
    folder = tmp_path_factory.mktemp("checkpoints")
    pretrain_plans = copy.deepcopy(plans)
    pretrain_plans.update(dataset_name="Dataset001_DemoPretrain", plans_name="MyPlans")
    strided = with_strides(pretrain_plans, "2d", [[1, 1], [2, 2], [1, 2]])
    made: dict[str, Path] = {}

    def save(name: str, network_plans: dict, configuration: str, channels: int = 1,
             heads: int = 3, init_args: bool = True) -> None:
        state = build_network(network_plans, configuration, channels, heads).state_dict()
        checkpoint = nnunet_checkpoint(state, network_plans if init_args else None,
                                       configuration)
        made[name] = folder / f"{name}.pth"
        torch.save(checkpoint, made[name])

    # 3 output heads: the fine-tuning network has 2; the segmentation head is never compared.
    save("compatible", pretrain_plans, "2d")
    save("3d", pretrain_plans, "3d_fullres")
    save("strides", strided, "2d")
    save("strides_bare", strided, "2d", init_args=False)
    save("two_channels", pretrain_plans, "2d", channels=2)
    save("resenc", resenc(pretrain_plans, "2d"), "2d")
    save("resenc_bare", resenc(pretrain_plans, "2d"), "2d", init_args=False)
    made["numpy1"] = rewrite_data_pkl(
        made["compatible"], folder / "numpy1.pth",
        lambda d: d.replace(b"cnumpy._core.multiarray\nscalar\n",
                            b"cnumpy.core.multiarray\nscalar\n"))
    made["cuda"] = rewrite_data_pkl(made["compatible"], folder / "cuda.pth", claim_cuda)
    return made


def check(path: Path, plans: dict, configuration: str = "2d", dataset_json: dict | None = None):
    return W.check_weights_against(path, plans, configuration, dataset_json or DATASET_JSON)


# -- compatibility ------------------------------------------------------------------------------
def test_compatible_checkpoint_has_no_problems(ckpts, plans):
    report, problems = check(ckpts["compatible"], plans)
    assert problems == []
    assert report is not None and report.compatible
    assert not report.missing and not report.mismatched
    assert len(report.matching) > 50
    # The segmentation head (3 classes in the checkpoint, 2 here) is skipped, not compared.
    assert report.skipped and all(".seg_layers." in k for k in report.skipped)
    assert not set(report.skipped) & set(report.matching)
    data = report.to_dict()
    assert data["compatible"] is True
    assert data["checkpoint"]["network_class"] == "PlainConvUNet"
    assert data["network"]["input_channels"] == 1
    json.dumps(data)


def test_expected_state_is_the_real_networks(plans):
    expected = W.expected_network_state(plans, "2d", DATASET_JSON)
    real = {k: tuple(v.shape) for k, v in build_network(plans, "2d", 1, 2).state_dict().items()}
    assert expected == real
    assert expected == W.expected_network_state((plans, "2d", DATASET_JSON))


_DATASET_JSONS = {
    "one channel": DATASET_JSON,
    "two channels, legacy 'modality'": {"modality": {"0": "T1", "1": "T2"},
                                        "labels": {"background": 0, "a": 1, "b": 2}},
    "ignore label": {"channel_names": {"0": "CT"},
                     "labels": {"background": 0, "a": 1, "b": 2, "ignore": 3}},
    "regions": {"channel_names": {"0": "MRI"},
                "labels": {"background": 0, "whole": [1, 2, 3], "core": [2, 3], "enh": 3},
                "regions_class_order": [1, 2, 3]},
}


@pytest.mark.parametrize("configuration", ["2d", "3d_fullres", "3d_lowres", "3d_cascade_fullres"])
@pytest.mark.parametrize("dataset", sorted(_DATASET_JSONS))
@pytest.mark.parametrize("network", ["plain", "resenc"])
def test_network_inputs_are_nnunets(plans_factory, configuration, dataset, network):
    """The arguments match what nnU-Net's trainer derives with PlansManager,
    determine_num_input_channels and the label manager."""
    from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    plans = plans_factory(FINETUNE, "nnUNetPlans",
                          ("2d", "3d_fullres", "3d_lowres", "3d_cascade_fullres"))
    if network == "resenc":
        plans = resenc(resenc(plans, "3d_fullres"), "3d_lowres")
        plans = resenc(plans, "2d")
    dataset_json = _DATASET_JSONS[dataset]
    ours = W.network_inputs(plans, configuration, dataset_json)
    manager = PlansManager(copy.deepcopy(plans))
    config = manager.get_configuration(configuration)
    assert ours.class_name == config.network_arch_class_name
    assert ours.arch_kwargs == config.network_arch_init_kwargs
    assert ours.requires_import == list(config.network_arch_init_kwargs_req_import)
    assert ours.input_channels == determine_num_input_channels(manager, config, dataset_json)
    assert ours.output_channels == \
        manager.get_label_manager(dataset_json).num_segmentation_heads


def test_3d_checkpoint_into_2d_network(ckpts, plans, expect):
    report, problems = check(ckpts["3d"], plans, "2d")
    assert report is not None and not report.compatible
    problem = expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "3d network",
                     "2d network", str(ckpts["3d"]))
    # A few example keys with both shapes, never whole tensors.
    assert "encoder.stages.0.0.convs.0.conv.weight: checkpoint (32, 1, 3, 3, 3) vs network " \
           "(32, 1, 3, 3)" in problem.message
    assert "tensor(" not in problem.message and len(problem.message) < 1500
    assert "2d" in problem.fix


@pytest.mark.parametrize("name", ["strides", "strides_bare"])
def test_changed_strides_mean_plans_not_transferred(ckpts, plans, expect, name):
    report, problems = check(ckpts[name], plans, "2d")
    assert report is not None and report.mismatched
    problem = expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "strides",
                     "plans were not transferred")
    assert "decoder.transpconvs" in problem.message
    assert "nnUNetv2_move_plans_between_datasets" in problem.fix
    if name == "strides":  # the checkpoint's own plans say exactly which values differ
        assert "[1, 2]" in problem.message


def test_weights_problem_in_chinese_keeps_keys_and_shapes(ckpts, plans, expect):
    """The message is built from nested texts (its head, the counts, the cause): the zh_CN
    catalog translates every level; nnU-Net's key names, shapes and paths stay as they are."""
    _report, problems = check(ckpts["strides"], plans, "2d")
    problem = expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "strides")
    chinese = translate(problem.message, load_catalog("zh_CN"))
    assert chinese.startswith(f"检查点 {ckpts['strides']}（用 ")
    for part in ("与微调构建的网络", "计划没有从微调数据集迁移过来", "个键缺失", "不同的 strides",
                 "decoder.transpconvs", "[1, 2]"):
        assert part in chinese, part
    for english in ("does not fit", "were not transferred", "key(s) missing", "different "):
        assert english not in chinese, english
    assert "nnUNetv2_move_plans_between_datasets" in translate(problem.fix, load_catalog("zh_CN"))


def test_two_channel_checkpoint_into_one_channel_network(ckpts, plans, expect, find):
    _report, problems = check(ckpts["two_channels"], plans, "2d")
    problem = expect(problems, WEIGHTS_CHANNEL_MISMATCH, Severity.ERROR, "2 input channel(s)",
                     "has 1", "encoder.stages.0.0.convs.0.conv.weight")
    assert "(32, 2, 3, 3)" in problem.message and "(32, 1, 3, 3)" in problem.message
    assert "#2252" in problem.fix
    assert not find(problems, WEIGHTS_ARCH_MISMATCH)


@pytest.mark.parametrize("name", ["resenc", "resenc_bare"])
def test_resenc_checkpoint_into_plain_unet(ckpts, plans, expect, name):
    report, problems = check(ckpts[name], plans, "2d")
    assert report is not None and report.missing
    problem = expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "ResidualEncoderUNet",
                     "PlainConvUNet")
    assert "not in the checkpoint" in problem.message
    if name == "resenc":
        assert "nnUNetResEncUNetMPlans" in problem.fix


def test_plain_checkpoint_into_resenc_network(ckpts, plans, expect):
    _report, problems = check(ckpts["compatible"], resenc(plans, "2d"), "2d")
    expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "checkpoint is a PlainConvUNet",
           "network a ResidualEncoderUNet")


def test_compare_applies_nnunets_rule():
    net = {"a.weight": (4, 1, 3, 3), "decoder.seg_layers.0.weight": (2, 4, 1, 1),
           "b.weight": (4,), "c.weight": (8,)}
    ckpt = {"a.weight": torch.zeros(4, 1, 3, 3), "decoder.seg_layers.0.weight": (5, 4, 1, 1),
            "b.weight": (5,), "extra": (1,)}
    report = W.compare_weights(ckpt, net)
    assert report.matching == ("a.weight",)
    assert report.mismatched == (("b.weight", (5,), (4,)),)
    assert report.missing == ("c.weight",)
    assert report.unexpected == ("extra",)
    assert report.skipped == ("decoder.seg_layers.0.weight",)
    assert not report.compatible


def test_wrapper_prefix_is_explained(plans, expect):
    net = W.expected_network_state(plans, "2d", DATASET_JSON)
    ckpt = {f"module.{k}": v for k, v in net.items()}
    problems = W.explain(W.compare_weights(ckpt, net), checkpoint="x.pth")
    expect(problems, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "'module.'", "x.pth")


# -- safe reading -------------------------------------------------------------------------------
def test_real_nnunet_checkpoint_loads_with_the_allowlist(ckpts):
    checkpoint, problems = W.load_checkpoint_safely(ckpts["compatible"])
    assert problems == [] and checkpoint is not None
    assert isinstance(checkpoint["_best_ema"], np.float64)
    assert isinstance(checkpoint["logging"]["mean_fg_dice"][0], np.float32)
    assert checkpoint["init_args"]["device"] == torch.device("cpu")
    # Everything beyond torch's defaults that such a checkpoint names is on our list.
    from torch.serialization import get_unsafe_globals_in_checkpoint

    assert set(get_unsafe_globals_in_checkpoint(ckpts["compatible"])) <= set(
        W.ALLOWED_GLOBAL_NAMES)


def test_numpy1_checkpoints_load(ckpts):
    checkpoint, problems = W.load_checkpoint_safely(ckpts["numpy1"])
    assert problems == [] and checkpoint is not None


def test_every_allowed_global_is_needed(ckpts, monkeypatch):
    """Nothing on the allowlist is there 'just in case': without any one entry, a checkpoint
    nnU-Net writes (numpy 2 or numpy 1 names) is refused."""
    full = W._allowed_globals()
    assert sorted(name for _, name in full) == sorted(W.ALLOWED_GLOBAL_NAMES)
    files = [ckpts["compatible"], ckpts["numpy1"]]
    for name in W.ALLOWED_GLOBAL_NAMES:
        monkeypatch.setattr(weights_read, "_allowed_globals",
                            lambda name=name: [e for e in full if e[1] != name])
        results = [W.load_checkpoint_safely(f) for f in files]
        refused = [problems for checkpoint, problems in results if checkpoint is None]
        assert refused, f"{name} is not needed by any nnU-Net checkpoint"
        assert all(p[0].code == WEIGHTS_UNREADABLE for p in refused)


class _Payload:
    """Unpickling runs ``func(*args)``: what a malicious checkpoint does."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _malicious_files(folder: Path, marker: Path, legit: Path) -> dict[str, tuple[Path, str]]:
    shell = _Payload(os.system, f"touch '{marker}'")
    opener = _Payload(open, str(marker), "w")
    files: dict[str, tuple[Path, str]] = {}
    # torch.save'd: a normal-looking checkpoint with a payload inside
    path = folder / "torch_saved.pth"
    torch.save({"network_weights": {"w": torch.zeros(1)}, "init_args": shell}, path)
    files["torch.save, os.system"] = (path, "system")
    path = folder / "torch_saved_open.pth"
    torch.save({"network_weights": {"w": torch.zeros(1)}, "logging": opener}, path)
    files["torch.save, open"] = (path, "open")
    # a plain pickle named like a checkpoint (protocol 2 and 4)
    for protocol in (2, 4):
        path = folder / f"plain_p{protocol}.pth"
        path.write_bytes(pickle.dumps({"network_weights": shell}, protocol=protocol))
        files[f"plain pickle p{protocol}"] = (path, "system")
    # a real checkpoint zip whose data.pkl was swapped for a payload
    path = rewrite_data_pkl(legit, folder / "swapped.pth",
                            lambda _d: pickle.dumps({"network_weights": opener}, protocol=2))
    files["zip with swapped data.pkl"] = (path, "open")
    return files


def test_malicious_checkpoints_never_run(ckpts, tmp_path, plans, expect):
    marker = tmp_path / "pwned"
    files = _malicious_files(tmp_path, marker, ckpts["compatible"])
    # The payloads work: plain unpickling creates the marker file.
    pickle.loads(pickle.dumps(_Payload(open, str(marker), "w"))).close()
    assert marker.exists()
    marker.unlink()
    for label, (path, wanted) in files.items():
        checkpoint, problems = W.load_checkpoint_safely(path)
        assert checkpoint is None, label
        problem = expect(problems, WEIGHTS_UNREADABLE, Severity.ERROR, str(path), wanted)
        assert "not loaded" in problem.message, label
        report, problems = check(path, plans)  # the full check refuses as well
        assert report is None and problems[0].code == WEIGHTS_UNREADABLE
        W.storage_locations(path)  # reads the pickle with inert stubs: no payload either
        W.needs_cpu_copy(path)
        assert not marker.exists(), f"{label}: the payload ran"


def test_unknown_global_is_named_not_loaded(tmp_path, expect):
    path = tmp_path / "with_path.pth"
    torch.save({"network_weights": {"w": torch.zeros(1)}, "where": Path("/x")}, path)
    checkpoint, problems = W.load_checkpoint_safely(path)
    assert checkpoint is None
    expect(problems, WEIGHTS_UNREADABLE, Severity.ERROR, "pathlib.PosixPath")


@pytest.mark.parametrize("damage", ["truncated", "half", "empty", "text", "random", "missing",
                                    "folder", "no_network_weights", "bare_state_dict",
                                    "list", "non_tensor_weights"])
def test_unreadable_files(ckpts, tmp_path, damage, expect):
    path = tmp_path / "checkpoint_final.pth"
    data = ckpts["compatible"].read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) - 2000])
    elif damage == "half":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "text":
        path.write_text("this is not a checkpoint\n")
    elif damage == "random":
        path.write_bytes(np.random.default_rng(0).bytes(5000))
    elif damage == "folder":
        path.mkdir()
    elif damage == "no_network_weights":
        torch.save({"state_dict": {"w": torch.zeros(1)}}, path)
    elif damage == "bare_state_dict":
        torch.save({"encoder.w": torch.zeros(1)}, path)
    elif damage == "list":
        torch.save([torch.zeros(1)], path)
    elif damage == "non_tensor_weights":
        torch.save({"network_weights": {"w": 3}}, path)
    checkpoint, problems = W.load_checkpoint_safely(path)
    assert checkpoint is None
    problem = expect(problems, WEIGHTS_UNREADABLE, Severity.ERROR, str(path))
    assert "Traceback" not in problem.message


# -- GPU-saved checkpoints ----------------------------------------------------------------------
def test_cuda_checkpoint_gets_a_cpu_copy(ckpts, tmp_path, plans):
    cuda = ckpts["cuda"]
    if not torch.cuda.is_available():
        # What nnU-Net's loader does (no map_location) fails on this CPU-only machine.
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA"):
            torch.load(cuda, weights_only=False)
    assert W.storage_locations(cuda) == {"cuda:0"}
    assert W.needs_cpu_copy(cuda)
    assert not W.needs_cpu_copy(ckpts["compatible"])
    assert not W.needs_cpu_copy(tmp_path / "missing.pth")
    # The check itself reads it fine (map_location='cpu').
    report, problems = check(cuda, plans)
    assert problems == [] and report is not None and report.compatible

    copy_path = W.make_cpu_copy(cuda, tmp_path / "cpu")
    assert copy_path == tmp_path / "cpu" / "cuda.pth"
    assert sorted(p.name for p in (tmp_path / "cpu").iterdir()) == ["cuda.pth"]  # atomic
    assert not W.needs_cpu_copy(copy_path)
    # nnU-Net's own loader accepts the copy.
    from nnunetv2.run.load_pretrained_weights import load_pretrained_weights

    network = build_network(plans, "2d", 1, 2)
    load_pretrained_weights(network, str(copy_path))
    original = torch.load(ckpts["compatible"], weights_only=False)["network_weights"]
    key = "encoder.stages.0.0.convs.0.conv.weight"
    assert torch.equal(network.state_dict()[key], original[key])
    # A second call reuses the copy.
    mtime = copy_path.stat().st_mtime_ns
    assert W.make_cpu_copy(cuda, tmp_path / "cpu") == copy_path
    assert copy_path.stat().st_mtime_ns == mtime


def test_cpu_copy_refuses_malicious(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    torch.save({"network_weights": {"w": torch.zeros(1)},
                "x": _Payload(os.system, f"touch '{marker}'")}, path)
    with pytest.raises(W.WeightsError):
        W.make_cpu_copy(path, tmp_path / "cpu")
    assert not marker.exists()
    assert not W.needs_cpu_copy(path)
    assert not marker.exists()


def test_finetune_step_uses_the_cpu_copy(demo, ckpts):
    cuda = demo.root / "from_the_gpu_cluster" / "checkpoint_final.pth"
    cuda.parent.mkdir()
    shutil.copy(ckpts["cuda"], cuda)
    result = demo.preflight(pretrained_weights=str(cuda), device="cpu")
    assert result.context is not None, [str(p) for p in result.problems]
    assert not [p for p in result.problems if p.code.startswith("WEIGHTS_")]
    step = build_chain(result.context)[-1]
    assert step.key == "finetune"
    weights = Path(step.argv[step.argv.index("-pretrained_weights") + 1])
    assert weights != cuda and weights.name == "checkpoint_final.pth"
    assert (demo.results / "nnFT" / "cpu_checkpoints") in weights.parents
    assert "GPU" in step.why and str(weights) in step.why
    assert "nnft.core.weights cpu-copy" in step.command_line()
    assert not weights.exists()  # building the chain writes nothing
    notes = step.before_start()
    assert any("CPU copy" in note and str(weights) in note for note in notes)
    assert weights.is_file() and not W.needs_cpu_copy(weights)
    assert json.loads((result.context.finetune_fold_dir / "nnft_run.json").read_text())[
        "pretrained_weights"] == str(cuda)

    # On a GPU the checkpoint is used as it is.
    result = demo.preflight(pretrained_weights=str(cuda), device="cuda")
    step = build_chain(result.context)[-1]
    assert step.argv[step.argv.index("-pretrained_weights") + 1] == str(cuda)
    assert "GPU" not in step.why

    # The shell line of an exported script gives nnUNetv2_train the preset's settings too.
    result = demo.preflight(pretrained_weights=str(cuda), device="cpu",
                            finetune_preset="frozen-encoder", freeze_epochs=3)
    step = build_chain(result.context)[-1]
    copy_line, train_line = step.command_line().split(" && ")
    assert "cpu-copy" in copy_line
    assert "NNFT_FREEZE_EPOCHS=3 " in train_line and "-tr nnFTTrainerFrozenEncoder " in train_line


def test_cpu_checkpoint_is_used_as_is(demo, ckpts):
    result = demo.preflight(pretrained_weights=str(ckpts["compatible"]), device="cpu")
    step = build_chain(result.context)[-1]
    assert step.argv[step.argv.index("-pretrained_weights") + 1] == str(ckpts["compatible"])


# -- preflight ----------------------------------------------------------------------------------
def test_preflight_refuses_incompatible_weights(demo, ckpts, expect, find):
    demo.write_finetune_plans()
    result = demo.preflight(pretrained_weights=str(ckpts["strides"]))
    expect(result, WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "strides")
    assert not result.ok
    result = demo.preflight(pretrained_weights=str(ckpts["two_channels"]))
    expect(result, WEIGHTS_CHANNEL_MISMATCH, Severity.ERROR, "2 input channel(s)")
    result = demo.preflight(pretrained_weights=str(ckpts["compatible"]))
    assert not [p for p in result.problems if p.code.startswith("WEIGHTS_")]
    result = demo.preflight(pretrained_weights=str(demo.root / "nope.pth"))
    expect(result, WEIGHTS_UNREADABLE, Severity.ERROR, "does not exist")


def test_preflight_checks_the_pretraining_checkpoint_once_it_exists(demo, ckpts, expect):
    demo.write_finetune_plans()
    result = demo.preflight()
    assert not [p for p in result.problems if p.code.startswith("WEIGHTS_")]
    final = result.context.pretrain_fold_dir / "checkpoint_final.pth"
    final.parent.mkdir(parents=True)
    shutil.copy(ckpts["3d"], final)
    expect(demo.preflight(), WEIGHTS_ARCH_MISMATCH, Severity.ERROR, "3d network")


def test_preflight_without_checkpoint_does_not_check(demo, monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("check_weights called without a checkpoint")

    monkeypatch.setattr(W, "check_weights", boom)
    demo.write_finetune_plans()
    result = demo.preflight()
    assert result.context is not None


def test_check_is_cached(ckpts, plans, monkeypatch):
    check(ckpts["strides"], plans)
    monkeypatch.setattr(weights_compare, "load_checkpoint_safely",
                        lambda *_: (_ for _ in ()).throw(AssertionError("not cached")))
    _report, problems = check(ckpts["strides"], plans)
    assert problems and problems[0].code == WEIGHTS_ARCH_MISMATCH


# -- CLI ----------------------------------------------------------------------------------------
def _cli(capsys, *args: str) -> tuple[int, str]:
    rc = cli.main(["check-weights", *args])
    out = capsys.readouterr()
    return rc, out.out + out.err


def test_cli_check_weights(demo, ckpts, capsys):
    demo.write_finetune_plans()
    base = ["--workspace", str(demo.root), "--finetune", "2", "--config", "2d"]
    rc, out = _cli(capsys, *base, "--checkpoint", str(ckpts["compatible"]))
    assert rc == 0, out
    assert "matching, loaded" in out and "OK:" in out

    rc, out = _cli(capsys, *base, "--checkpoint", str(ckpts["3d"]))
    assert rc == 1
    assert "shape mismatched" in out and WEIGHTS_ARCH_MISMATCH in out
    assert "checkpoint (32, 1, 3, 3, 3) vs network (32, 1, 3, 3)" in out

    rc, out = _cli(capsys, *base, "--checkpoint", str(ckpts["two_channels"]), "--json")
    assert rc == 1
    data = json.loads(out)
    assert [p["code"] for p in data["problems"]] == [WEIGHTS_CHANNEL_MISMATCH]
    # conv.weight and its all_modules alias, each also under decoder.encoder.
    assert data["report"]["counts"]["mismatched"] == 4
    assert data["report"]["checkpoint"]["input_channels"] == 2

    rc, out = _cli(capsys, *base, "--checkpoint", str(demo.root / "nope.pth"), "--json")
    assert rc == 1
    data = json.loads(out)
    assert data["report"] is None and data["problems"][0]["code"] == WEIGHTS_UNREADABLE


def test_cli_check_weights_needs_plans_and_arguments(demo, ckpts, capsys):
    base = ["--workspace", str(demo.root), "--checkpoint", str(ckpts["compatible"])]
    rc, out = _cli(capsys, *base, "--finetune", "2", "--config", "2d")
    assert rc == 1 and "PLANS_ID_INVALID" in out  # not planned yet
    demo.write_finetune_plans(configurations=("2d",))
    rc, out = _cli(capsys, *base, "--finetune", "2", "--config", "3d_fullres")
    assert rc == 1 and "CONFIG_NOT_AVAILABLE" in out
    rc, out = _cli(capsys, *base, "--finetune", "9", "--config", "2d")
    assert rc == 1 and "DATASET_NOT_FOUND" in out
    with pytest.raises(SystemExit) as exc:
        cli.main(["check-weights", "--finetune", "2"])
    assert exc.value.code == 2
