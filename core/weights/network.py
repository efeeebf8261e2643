"""The network the fine-tuning run will build, described (plans, a checkpoint's ``init_args``)
and built on torch's ``meta`` device with nnU-Net's own code: names and shapes only."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nnft.core import plans as plans_mod

if TYPE_CHECKING:
    # Type hints only: steps and checks import this package, not the other way round.
    from nnft.core.steps import ChainContext


@dataclass(frozen=True)
class NetworkDescription:
    """What is known about a network: from fine-tuning plans, or a checkpoint's ``init_args``."""

    class_name: str | None = None
    configuration: str | None = None
    arch_kwargs: Mapping[str, Any] | None = None
    input_channels: int | None = None
    dataset_name: str | None = None
    plans_name: str | None = None

    @property
    def short_class(self) -> str | None:
        return self.class_name.rsplit(".", 1)[-1] if self.class_name else None

    def label(self) -> str:
        parts = [p for p in (self.dataset_name,
                             f"plans '{self.plans_name}'" if self.plans_name else None,
                             f"configuration '{self.configuration}'" if self.configuration
                             else None) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class _NetworkInputs:
    """What ``nnUNetTrainer.build_network_architecture`` passes to ``get_network_from_plans``."""

    class_name: str
    arch_kwargs: dict[str, Any]
    requires_import: list[str]
    input_channels: int
    output_channels: int


def network_inputs(plans: Mapping[str, Any], configuration: str,
                   dataset_json: Mapping[str, Any]) -> _NetworkInputs:
    """The arguments the trainer builds its network with, from plans and dataset.json.

    Like the trainer: the configuration with ``inherits_from`` resolved (PlansManager's rule),
    ``determine_num_input_channels`` (channels, plus the foreground labels for a cascade) and
    the ``LabelManager``'s ``num_segmentation_heads``. Plain plans skip importing nnU-Net's
    PlansManager (half a second of imports: image readers, resampling); unusual ones (the old
    plans format, a custom label manager, a cascade) go through it.

    Raises
    ------
    KeyError, ValueError, RuntimeError, AssertionError
        When the plans have no such configuration or dataset.json is not usable.
    """
    config = plans_mod.resolved_configuration(dict(plans), configuration)
    if config is None:
        raise KeyError(f"the plans have no configuration '{configuration}'")
    arch = config.get("architecture")
    dataset_json = dict(dataset_json)
    if (isinstance(arch, Mapping) and config.get("previous_stage") is None
            and plans.get("label_manager", "LabelManager") == "LabelManager"):
        # nnU-Net's modules pull in torch: imported only when a network is described.
        from nnunetv2.utilities.label_handling.label_handling import LabelManager

        channels = dataset_json["modality"] if "modality" in dataset_json \
            else dataset_json["channel_names"]
        labels = LabelManager(label_dict=dataset_json["labels"],
                              regions_class_order=dataset_json.get("regions_class_order"))
        return _NetworkInputs(arch["network_class_name"], dict(arch["arch_kwargs"]),
                              list(arch["_kw_requires_import"]), len(channels),
                              labels.num_segmentation_heads)
    # Unusual plans only: PlansManager costs half a second of imports (see above).
    from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    manager = PlansManager(dict(plans))
    manager_config = manager.get_configuration(configuration)
    return _NetworkInputs(
        manager_config.network_arch_class_name, dict(manager_config.network_arch_init_kwargs),
        list(manager_config.network_arch_init_kwargs_req_import),
        determine_num_input_channels(manager, manager_config, dataset_json),
        manager.get_label_manager(dataset_json).num_segmentation_heads)


def describe_plans(plans: Mapping[str, Any], configuration: str,
                   dataset_json: Mapping[str, Any] | None = None) -> NetworkDescription:
    """The network a plans configuration describes."""
    channels = None
    class_name: str | None
    arch_kwargs: Any
    if dataset_json is not None:
        inputs = network_inputs(plans, configuration, dataset_json)
        class_name, arch_kwargs = inputs.class_name, inputs.arch_kwargs
        channels = inputs.input_channels
    else:
        config = plans_mod.resolved_configuration(dict(plans), configuration) or {}
        arch = config.get("architecture")
        if not isinstance(arch, Mapping):
            arch = {}
        class_name, arch_kwargs = arch.get("network_class_name"), arch.get("arch_kwargs")
    return NetworkDescription(
        class_name=class_name,
        configuration=configuration,
        arch_kwargs=dict(arch_kwargs) if isinstance(arch_kwargs, Mapping) else None,
        input_channels=channels,
        dataset_name=plans.get("dataset_name"),
        plans_name=plans.get("plans_name"),
    )


def describe_checkpoint(checkpoint: Mapping[str, Any]) -> NetworkDescription:
    """What a checkpoint's ``init_args`` (plans, configuration, dataset.json) say; empty fields
    when they are missing or malformed (checkpoints written outside nnU-Net)."""
    init = checkpoint.get("init_args")
    if not isinstance(init, Mapping):
        return NetworkDescription()
    plans, configuration = init.get("plans"), init.get("configuration")
    dataset_json = init.get("dataset_json")
    if isinstance(plans, Mapping) and isinstance(configuration, str):
        try:
            return describe_plans(plans, configuration,
                                  dataset_json if isinstance(dataset_json, Mapping) else None)
        except Exception:  # someone else's plans; use what can be read
            pass
    return NetworkDescription(
        configuration=configuration if isinstance(configuration, str) else None,
        dataset_name=plans.get("dataset_name") if isinstance(plans, Mapping) else None,
        plans_name=plans.get("plans_name") if isinstance(plans, Mapping) else None,
    )


def _finetune_dataset_json(ctx: ChainContext) -> dict[str, Any] | None:
    # The trainer reads nnUNet_preprocessed/<dataset>/dataset.json (copied at planning).
    try:
        data = json.loads((ctx.finetune_preprocessed / "dataset.json").read_text("utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return ctx.finetune.dataset_json


def _target_of(source: Any, configuration: str | None,
               dataset_json: Mapping[str, Any] | None) -> tuple[Mapping[str, Any], str,
                                                                Mapping[str, Any]]:
    if isinstance(source, tuple):
        source, configuration, dataset_json = source
    if hasattr(source, "finetune_plans") and hasattr(source, "options"):
        ctx = source
        plans = ctx.finetune_plans()
        if plans is None and getattr(ctx, "from_model", False):
            plans = ctx.expected_transfer()  # the model's plans, before their transfer
        if plans is None:
            raise ValueError(f"the fine-tuning plans {ctx.finetune_plans_file} do not exist yet")
        return plans, ctx.options.configuration, _finetune_dataset_json(ctx) or {}
    if not isinstance(source, Mapping) or configuration is None or dataset_json is None:
        raise TypeError("give a ChainContext, or plans, configuration and dataset_json")
    return source, configuration, dataset_json


def expected_network_state(source: Any, configuration: str | None = None,
                           dataset_json: Mapping[str, Any] | None = None,
                           ) -> dict[str, tuple[int, ...]]:
    """Parameter names and shapes of the network the fine-tuning run will build.

    Parameters
    ----------
    source
        A :class:`~nnft.core.steps.ChainContext` (its fine-tuning plans, configuration and
        dataset.json), or a plans dict with ``configuration`` and ``dataset_json`` (also
        accepted as one ``(plans, configuration, dataset_json)`` tuple).

    Built like ``nnUNetTrainer.build_network_architecture`` (``get_network_from_plans`` with the
    arguments of :func:`network_inputs`), on torch's ``meta`` device: shapes only, no memory, no
    initialisation. Trainers that override ``build_network_architecture`` may build something
    else.

    Raises
    ------
    ValueError, KeyError, RuntimeError, AssertionError, ImportError
        When the plans or dataset.json cannot describe a network.
    """
    plans, configuration, dataset_json = _target_of(source, configuration, dataset_json)
    # torch and nnU-Net only when a network is built: importing nnFT must stay cheap.
    import torch
    from nnunetv2.utilities.get_network_from_plans import get_network_from_plans

    inputs = network_inputs(plans, configuration, dataset_json)

    def build() -> Any:
        return get_network_from_plans(
            inputs.class_name, inputs.arch_kwargs, inputs.requires_import,
            inputs.input_channels, inputs.output_channels,
            allow_init=False, deep_supervision=True)

    try:
        with torch.device("meta"):
            network = build()
    except Exception:  # a network class that cannot live on meta
        network = build()
    return {key: tuple(value.shape) for key, value in network.state_dict().items()}
