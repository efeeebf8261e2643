"""nnU-Net plans: loading, summaries, side-by-side diffs and the plans-identifier guard.

A plans file is plain JSON (``nnUNet_preprocessed/<dataset>/<identifier>.json``); nothing here
needs torch, so the wizard can show plans instantly.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import problems as P
from .i18n import text
from .problems import Problem

#: Identifiers nnU-Net's own planners write. Using one as the transfer target overwrites the
#: pretraining dataset's default plans and, at preprocessing, deletes its default data folders
#: (nnU-Net #1464).
DEFAULT_PLANS_IDENTIFIERS = frozenset({
    "nnUNetPlans",
    "nnUNetResEncUNetPlans",
    "nnUNetResEncUNetMPlans",
    "nnUNetResEncUNetLPlans",
    "nnUNetResEncUNetXLPlans",
    "nnUNetPlans_torchres",
    "nnUNetResEncUNetLPlans_torchres",
    "nnUNetResEncUNetLPlans_torchres_sepz",
    "nnUNetResEncUNetLPlans_noResampling",
})

#: Configurations that can be pretrained and fine-tuned. The cascade needs a second model's
#: predictions as input, so nnFT does not offer it.
TRAINABLE_CONFIGURATIONS = ("2d", "3d_fullres", "3d_lowres")

_SAFE_IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
MAX_IDENTIFIER_LENGTH = 100


def plans_path(preprocessed_dataset_dir: Path, identifier: str) -> Path:
    """``nnUNet_preprocessed/<dataset>/<identifier>.json``."""
    return preprocessed_dataset_dir / f"{identifier}.json"


def load_plans(path: Path) -> dict[str, Any]:
    """Read a plans JSON file (raises OSError / ValueError on unreadable files)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def transferred_plans(finetune_plans: dict[str, Any], pretrain_dataset_name: str,
                      source_identifier: str, target_identifier: str) -> dict[str, Any]:
    """What ``nnUNetv2_move_plans_between_datasets -s FT -t PT -sp S -tp T`` writes,
    except ``image_reader_writer`` (nnU-Net picks it from the target's images).

    Mirrors nnU-Net 2.8.1's ``move_plans_between_datasets``: the dataset name is set to the
    pretraining dataset, every ``data_identifier`` is renamed after the new identifier, and
    ``plans_name`` is set; everything else is kept (NNUNET_FACTS §2).
    """
    plans = copy.deepcopy(finetune_plans)
    plans["dataset_name"] = pretrain_dataset_name
    if target_identifier != source_identifier:
        for configuration in _configurations(plans).values():
            old = configuration.get("data_identifier") if isinstance(configuration, dict) else None
            if not isinstance(old, str):  # a malformed file; preflight reports it
                continue
            if old.startswith(source_identifier):
                configuration["data_identifier"] = target_identifier + old[len(source_identifier):]
            else:
                configuration["data_identifier"] = f"{target_identifier}_{old}"
    plans["plans_name"] = target_identifier
    return plans


def same_transfer(existing: dict[str, Any], expected: dict[str, Any]) -> bool:
    """True when an existing transferred plans file is what a new transfer would write."""
    def strip(plans: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in plans.items() if k != "image_reader_writer"}

    if not isinstance(existing, dict) or not isinstance(expected, dict):
        return False
    return strip(existing) == strip(expected)


def _configurations(plans: Any) -> dict[str, Any]:
    """The ``configurations`` of a plans dict; empty when the file is malformed."""
    configurations = plans.get("configurations") if isinstance(plans, dict) else None
    return configurations if isinstance(configurations, dict) else {}


def resolved_configuration(plans: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A configuration with ``inherits_from`` resolved, like nnU-Net's PlansManager does."""
    configurations = _configurations(plans)
    if not isinstance(configurations.get(name), dict):
        return None
    configuration = dict(configurations[name])
    seen = {name}
    while "inherits_from" in configuration:
        parent_name = configuration.pop("inherits_from")
        if not isinstance(parent_name, str) or parent_name in seen \
                or not isinstance(configurations.get(parent_name), dict):
            break
        seen.add(parent_name)
        merged = dict(configurations[parent_name])
        merged.update(configuration)
        configuration = merged
    return configuration


def data_identifier(plans: dict[str, Any], configuration: str) -> str | None:
    """The preprocessed data folder name of a configuration."""
    resolved = resolved_configuration(plans, configuration)
    ident = None if resolved is None else resolved.get("data_identifier")
    return ident if isinstance(ident, str) and ident else None


def trainable_configurations(plans: dict[str, Any]) -> list[str]:
    """The configurations of a plans file nnFT can pretrain and fine-tune."""
    return [c for c in TRAINABLE_CONFIGURATIONS if data_identifier(plans, c) is not None]


@dataclass(frozen=True)
class StageSummary:
    """One resolution stage of the U-Net encoder."""

    features: int
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    n_convs: int | None


@dataclass(frozen=True)
class ConfigurationSummary:
    """What matters about one configuration for a transfer."""

    name: str
    data_identifier: str | None
    patch_size: tuple[int, ...]
    batch_size: int | None
    spacing: tuple[float, ...]
    normalization_schemes: tuple[str, ...]
    network_class: str
    stages: tuple[StageSummary, ...]

    @property
    def architecture_key(self) -> tuple[Any, ...]:
        """Everything that decides the weights' names and shapes (besides channel count)."""
        return (self.network_class, self.stages)


def summarize_configuration(plans: dict[str, Any], name: str) -> ConfigurationSummary | None:
    """A typed summary of one configuration (None if the plans do not have it)."""
    resolved = resolved_configuration(plans, name)
    if resolved is None:
        return None
    architecture = resolved.get("architecture", {}) or {}
    kwargs = architecture.get("arch_kwargs", {}) or {}
    n_stages = int(kwargs.get("n_stages", 0) or 0)
    features = list(kwargs.get("features_per_stage", []) or [])
    kernels = list(kwargs.get("kernel_sizes", []) or [])
    strides = list(kwargs.get("strides", []) or [])
    convs = kwargs.get("n_conv_per_stage", kwargs.get("n_blocks_per_stage", []))
    convs = list(convs) if isinstance(convs, list | tuple) else [convs] * n_stages
    stages = tuple(
        StageSummary(
            features=int(features[i]) if i < len(features) else 0,
            kernel_size=tuple(int(k) for k in _as_list(kernels[i] if i < len(kernels) else [])),
            stride=tuple(int(s) for s in _as_list(strides[i] if i < len(strides) else [])),
            n_convs=int(convs[i]) if i < len(convs) and convs[i] is not None else None,
        )
        for i in range(n_stages)
    )
    return ConfigurationSummary(
        name=name,
        data_identifier=resolved.get("data_identifier"),
        patch_size=tuple(int(v) for v in resolved.get("patch_size", [])),
        batch_size=resolved.get("batch_size"),
        spacing=tuple(float(v) for v in resolved.get("spacing", [])),
        normalization_schemes=tuple(resolved.get("normalization_schemes", [])),
        network_class=str(architecture.get("network_class_name", "?")).rsplit(".", 1)[-1],
        stages=stages,
    )


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


@dataclass(frozen=True)
class PlansDifference:
    """One row of a side-by-side comparison."""

    key: str
    left: Any
    right: Any

    @property
    def equal(self) -> bool:
        return self.left == self.right


def compare_configurations(left: dict[str, Any], right: dict[str, Any],
                           configuration: str) -> list[PlansDifference]:
    """Side by side: the values of one configuration that matter for a transfer, plus the
    dataset-level intensity properties (the CT normalization values)."""
    rows: list[PlansDifference] = []
    a = summarize_configuration(left, configuration)
    b = summarize_configuration(right, configuration)

    def add(key: str, x: Any, y: Any) -> None:
        rows.append(PlansDifference(key, x, y))

    add("dataset_name", left.get("dataset_name"), right.get("dataset_name"))
    add("plans_name", left.get("plans_name"), right.get("plans_name"))
    if a is None or b is None:
        add("configuration", configuration if a else None, configuration if b else None)
        return rows
    add("data_identifier", a.data_identifier, b.data_identifier)
    add("patch_size", list(a.patch_size), list(b.patch_size))
    add("batch_size", a.batch_size, b.batch_size)
    add("spacing", list(a.spacing), list(b.spacing))
    add("normalization_schemes", list(a.normalization_schemes), list(b.normalization_schemes))
    add("network_class", a.network_class, b.network_class)
    add("n_stages", len(a.stages), len(b.stages))
    for i in range(max(len(a.stages), len(b.stages))):
        sa = a.stages[i] if i < len(a.stages) else None
        sb = b.stages[i] if i < len(b.stages) else None
        add(f"stage {i} features", sa and sa.features, sb and sb.features)
        add(f"stage {i} kernel", sa and list(sa.kernel_size), sb and list(sb.kernel_size))
        add(f"stage {i} stride", sa and list(sa.stride), sb and list(sb.stride))
    add("foreground_intensity_properties_per_channel",
        left.get("foreground_intensity_properties_per_channel"),
        right.get("foreground_intensity_properties_per_channel"))
    return rows


def validate_plans_identifier(
    identifier: str,
    pretrain_preprocessed_dir: Path | None,
    *,
    expected_plans: dict[str, Any] | None = None,
    allow_reuse: bool = False,
    reuse_reason: str = "",
    target_role: str = "pretraining",
) -> list[Problem]:
    """Check a new plans identifier for the dataset the plans are transferred to.

    Parameters
    ----------
    identifier
        The ``-tp`` of the transfer.
    pretrain_preprocessed_dir
        ``nnUNet_preprocessed/<pretraining dataset>`` (may not exist yet).
    expected_plans
        What the transfer would write; when given, an existing file with the same content is
        reported as reusable rather than as a clash.
    allow_reuse
        The user explicitly allowed reusing an existing, identical plans file.
    reuse_reason
        Why it may be reused, said in the message (the user's tick, or nnFT's own transfer
        wrote it): a reuse without the user's tick must not look like one.
    target_role
        ``pretraining``, or ``fine-tuning`` when a model's plans go to the fine-tuning dataset.

    Returns
    -------
    list of Problem
        ``PLANS_ID_INVALID``, ``PLANS_ID_DEFAULT`` or ``PLANS_ID_EXISTS`` (error, or info when a
        reuse of identical plans was allowed).
    """
    problem = identifier_syntax_problem(identifier)
    if problem is not None:
        return [problem]
    if identifier in DEFAULT_PLANS_IDENTIFIERS:
        # The role is a key ("pretraining" / "fine-tuning"); the whole phrase is translated.
        dataset = text("the fine-tuning dataset") if target_role == "fine-tuning" else \
            text("the pretraining dataset") if target_role == "pretraining" else \
            f"the {target_role} dataset"
        return [P.error(
            P.PLANS_ID_DEFAULT,
            text("'{identifier}' is one of nnU-Net's default plans identifiers. Transferring "
                 "under it would overwrite {dataset}'s own plans and, at preprocessing, delete "
                 "its {identifier}_* data folders (nnU-Net #1464).",
                 identifier=identifier, dataset=dataset),
            text("Choose a new identifier, e.g. the suggested one."),
        )]
    if pretrain_preprocessed_dir is None:
        return []
    target = plans_path(pretrain_preprocessed_dir, identifier)
    if not target.exists():
        return []
    identical = False
    if expected_plans is not None:
        try:
            identical = same_transfer(load_plans(target), expected_plans)
        except (OSError, ValueError):
            identical = False
    if identical and allow_reuse:
        return [P.info(
            P.PLANS_ID_EXISTS,
            text("{target} already exists with exactly the plans the transfer would write; it "
                 "is reused ({reuse_reason}).", target=target, reuse_reason=reuse_reason)
            if reuse_reason else
            text("{target} already exists with exactly the plans the transfer would write; it "
                 "is reused.", target=target),
        )]
    if identical:
        return [P.error(
            P.PLANS_ID_EXISTS,
            text("{target} already exists (with the same plans this transfer would write).",
                 target=target),
            text("Allow reuse (--reuse-plans) to continue with it, or choose a new "
                 "identifier."),
        )]
    return [P.error(
        P.PLANS_ID_EXISTS,
        text("{target} already exists and differs from what this transfer would write; "
             "replacing it would change the data and models that were made with it.",
             target=target),
        text("Choose a new identifier (see the suggestion)."),
    )]


def identifier_syntax_problem(identifier: str) -> Problem | None:
    """A ``PLANS_ID_INVALID`` problem when the identifier is not a safe file-name stem."""
    def invalid(why: str) -> Problem:
        return P.error(
            P.PLANS_ID_INVALID,
            text("The plans identifier {identifier} {why}.", identifier=repr(identifier),
                 why=why),
            text("Use letters, digits, '_', '-', '.' and '+' only, starting with a letter or "
                 "digit (at most {max_length} characters), e.g. "
                 "nnUNetPlans_pretrain_for_Dataset002.", max_length=MAX_IDENTIFIER_LENGTH),
        )

    if not isinstance(identifier, str) or not identifier:
        return invalid(text("is empty"))
    if any(unicodedata.category(ch)[0] == "C" for ch in identifier):
        return invalid(text("contains control characters"))
    if "/" in identifier or "\\" in identifier or ".." in identifier:
        return invalid(text("contains a path separator or '..'; it becomes a file name"))
    if identifier != identifier.strip():
        return invalid(text("starts or ends with white space"))
    if len(identifier) > MAX_IDENTIFIER_LENGTH:
        return invalid(text("is longer than {max_length} characters",
                            max_length=MAX_IDENTIFIER_LENGTH))
    if identifier.lower().endswith(".json"):
        return invalid(text("ends in .json; give the identifier without the extension"))
    if not _SAFE_IDENTIFIER_RE.match(identifier):
        return invalid(text("contains characters that are not safe in file names"))
    return None


def suggest_plans_identifier(finetune_dataset_name: str, source_identifier: str,
                             pretrain_preprocessed_dir: Path | None) -> str:
    """A fresh identifier such as ``nnUNetPlans_pretrain_for_Dataset002``.

    The name says where the plans come from, and a numeric suffix keeps it unique among the
    pretraining dataset's existing plans files and data folders.
    """
    short = finetune_dataset_name.split("_", 1)[0]
    base = f"{source_identifier}_pretrain_for_{short}"
    candidate = base
    counter = 2
    while pretrain_preprocessed_dir is not None and _identifier_in_use(pretrain_preprocessed_dir,
                                                                       candidate):
        candidate = f"{base}_{counter}"
        counter += 1
    return candidate


def _identifier_in_use(folder: Path, identifier: str) -> bool:
    if plans_path(folder, identifier).exists():
        return True
    if not folder.is_dir():
        return False
    return any(p.name.startswith(identifier + "_") and p.is_dir() for p in folder.iterdir())
