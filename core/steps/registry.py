"""The chain's steps in order: the one list every part of nnFT takes its steps from.

``build_chain`` (CLI, wizard, executor), the wizard's pages, the SLURM planner and scripts,
``nnft run --dry-run``, ``nnft export`` and every "steps N–M" label select steps from
:data:`STEPS` by key or by group. Adding a step is one :class:`~.base.StepDefinition` subclass
plus one entry here (docs/architecture.md: "How to add a step").

A chain that fine-tunes from a trained model (``ChainContext.from_model``) has steps of its
own, :data:`MODEL_STEPS`, numbered on their own (its step 4 is not the dataset chain's step 4).
Every function that names steps takes ``from_model`` (or a context) to know which list.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import GROUPS, Step, StepDefinition
from .context import ChainContext
from .from_model import FingerprintFinetune, ImportModel, PreprocessFinetune, TransferModelPlans
from .prepare import (
    CopyDatasetJson,
    FingerprintPretrain,
    PlanFinetune,
    PreprocessPretrain,
    TransferPlans,
)
from .train import Baseline, Finetune, Pretrain


def _numbered(*definitions: StepDefinition) -> tuple[StepDefinition, ...]:
    for number, definition in enumerate(definitions, 1):
        definition.number = number
    keys = [d.key for d in definitions]
    assert len(set(keys)) == len(keys), f"step keys must be unique: {keys}"
    assert all(d.group in GROUPS for d in definitions), "unknown step group"
    return definitions


#: Every step of the chain, in the order it runs.
STEPS: tuple[StepDefinition, ...] = _numbered(
    PlanFinetune(),
    FingerprintPretrain(),
    TransferPlans(),
    CopyDatasetJson(),
    PreprocessPretrain(),
    Pretrain(),
    Finetune(),
    Baseline(),
)

#: Every step of a chain that fine-tunes from a trained model (no pretraining dataset).
MODEL_STEPS: tuple[StepDefinition, ...] = _numbered(
    ImportModel(),
    FingerprintFinetune(),
    TransferModelPlans(),
    PreprocessFinetune(),
    Finetune(),
    Baseline(),
)

#: The keys of :data:`STEPS`, then those only :data:`MODEL_STEPS` has, in order.
STEP_KEYS: tuple[str, ...] = tuple(dict.fromkeys(d.key for d in (*STEPS, *MODEL_STEPS)))
_BY_KEY = {d.key: d for d in STEPS}
_MODEL_BY_KEY = {d.key: d for d in MODEL_STEPS}


def chain_steps(from_model: bool = False) -> tuple[StepDefinition, ...]:
    """:data:`MODEL_STEPS` when the chain starts from a model, else :data:`STEPS`."""
    return MODEL_STEPS if from_model else STEPS


def definition(key: str, from_model: bool = False) -> StepDefinition:
    """The registered step ``key`` of the dataset chain, or of the model chain with
    ``from_model`` (KeyError for an unknown key)."""
    return (_MODEL_BY_KEY if from_model else _BY_KEY)[key]


def step_number(key: str, from_model: bool = False) -> int:
    """The 1-based place of step ``key`` in its chain."""
    return definition(key, from_model).number


def keys_in_group(*groups: str, from_model: bool = False) -> tuple[str, ...]:
    """The keys of the steps of ``groups``, in chain order."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown step group(s): {', '.join(sorted(unknown))}")
    return tuple(d.key for d in chain_steps(from_model) if d.group in groups)


def step_range(*groups: str, from_model: bool = False) -> tuple[int, int]:
    """The first and last step number of ``groups`` (for labels such as "steps 1–5")."""
    numbers = [d.number for d in chain_steps(from_model) if d.group in groups]
    if not numbers:
        raise ValueError(f"no steps in group(s) {', '.join(groups)}")
    return min(numbers), max(numbers)


def range_text(*groups: str, dash: str = "–", from_model: bool = False) -> str:
    """``"1–5"`` for the preparation steps, ``"6"`` for a group of one step."""
    first, last = step_range(*groups, from_model=from_model)
    return str(first) if first == last else f"{first}{dash}{last}"


def build_chain(ctx: ChainContext, *, fresh: bool = False,
                groups: Iterable[str] | None = None) -> list[Step]:
    """The chain's steps, in order, for one choice of datasets and options.

    Parameters
    ----------
    ctx
        The datasets, workspace and options.
    fresh
        Build the commands of a run from scratch, ignoring what is on disk (no plain
        ``preprocess`` instead of planning, no ``--c``): for scripts that run elsewhere.
    groups
        Only the steps of these groups (default: all).

    Optional steps the options did not ask for (:meth:`~.base.StepDefinition.applies`, e.g.
    the from-scratch baseline) are left out.
    """
    wanted = set(GROUPS if groups is None else groups)
    return [d.bind(ctx, fresh=fresh) for d in chain_steps(ctx.from_model)
            if d.group in wanted and d.applies(ctx)]


def all_done(steps: Iterable[Step], keys: Iterable[str]) -> bool:
    """True when every step of ``keys`` is among ``steps`` and done (read from disk)."""
    by_key = {s.key: s for s in steps}
    wanted = list(keys)
    return bool(wanted) and all(k in by_key and by_key[k].is_done() for k in wanted)
