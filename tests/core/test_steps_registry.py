"""The step registry: one ordered list of step definitions that every part of nnFT uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nnft.core import steps as S
from nnft.core.executor import ChainExecutor, StepStatus
from nnft.core.problems import Severity
from nnft.core.steps.base import StepDefinition
from nnft.core.steps.context import ChainContext


def test_registry_order_groups_and_numbers() -> None:
    dataset_keys = ("plan_finetune", "fingerprint_pretrain", "transfer_plans",
                    "copy_dataset_json", "preprocess_pretrain", "pretrain", "finetune",
                    "baseline")
    assert tuple(d.key for d in S.STEPS) == dataset_keys
    # Every key once (step-hook's choices): the dataset chain's, then the model chain's own.
    assert S.STEP_KEYS == dataset_keys + ("import_model", "fingerprint_finetune",
                                          "transfer_model_plans", "preprocess_finetune")
    assert [d.number for d in S.STEPS] == list(range(1, len(S.STEPS) + 1))
    assert S.keys_in_group(S.PREPARE) == dataset_keys[:5]
    assert S.keys_in_group(S.TRAIN) == ("pretrain", "finetune", "baseline")
    assert S.keys_in_group(S.PREPARE, S.TRAIN) == dataset_keys
    assert S.step_number("transfer_plans") == 3
    assert S.step_range(S.PREPARE) == (1, 5)
    assert S.range_text(S.PREPARE) == "1–5"
    assert S.range_text(S.TRAIN, dash="-") == "6-8"
    assert all(d.is_training == (d.group == S.TRAIN) for d in S.STEPS)


def test_model_chain_is_numbered_on_its_own() -> None:
    """From a trained model: import, fingerprint, transfer, preprocess, fine-tune, baseline;
    its step numbers are its own (the dataset chain's definitions keep theirs)."""
    assert tuple(d.key for d in S.MODEL_STEPS) == (
        "import_model", "fingerprint_finetune", "transfer_model_plans", "preprocess_finetune",
        "finetune", "baseline")
    assert [d.number for d in S.MODEL_STEPS] == list(range(1, 7))
    assert S.range_text(S.PREPARE, from_model=True) == "1–4"
    assert S.step_number("finetune", from_model=True) == 5
    assert S.step_number("finetune") == 7
    assert S.definition("finetune", from_model=True) is not S.definition("finetune")
    with pytest.raises(KeyError):
        S.definition("pretrain", from_model=True)


def test_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown step group"):
        S.keys_in_group("training")
    with pytest.raises(ValueError, match="no steps"):
        S.step_range(S.USE)


def test_bound_steps_carry_key_group_number(demo) -> None:
    ctx = demo.preflight().context
    steps = S.build_chain(ctx)
    # The baseline is optional: left out unless the options ask for it.
    optional = [d for d in S.STEPS if not d.applies(ctx)]
    assert [d.key for d in optional] == ["baseline"]
    assert [s.key for s in steps] == [d.key for d in S.STEPS if d.key != "baseline"]
    assert [(s.group, s.number) for s in steps] == [(d.group, d.number) for d in S.STEPS
                                                    if d not in optional]
    prepare = S.build_chain(ctx, groups=[S.PREPARE])
    assert [s.key for s in prepare] == list(S.keys_in_group(S.PREPARE))
    assert [s.command_line() for s in prepare] == [s.command_line() for s in steps[:5]]
    # Each step's argv comes from its definition's builder.
    assert steps[2].argv == S.transfer_plans_argv(ctx)
    assert steps[2].argv[:5] == ["nnUNetv2_move_plans_between_datasets", "-s",
                                 str(ctx.finetune.dataset_id), "-t", str(ctx.pretrain.dataset_id)]


def test_export_numbers_steps_like_the_chain(demo) -> None:
    ctx = demo.preflight().context
    text = S.export_bash(ctx, S.build_chain(ctx, fresh=True, groups=[S.TRAIN]))
    assert "# 6. Pretrain on" in text and "# 7. Fine-tune on" in text
    assert "# 1. " not in text


class _WriteNote(StepDefinition):
    """A step added in a test, the way a new step is added: one subclass."""

    key = "write_note"
    group = S.EVALUATE

    def title(self, ctx: ChainContext) -> str:
        return f"Write a note about {ctx.finetune.name}"

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return "A test of the registry's extension point."

    def _path(self, ctx: ChainContext) -> Path:
        return ctx.workspace.state_dir / "note.txt"

    def action(self, ctx: ChainContext) -> Callable[[Callable[[str], None]], None]:
        def write(log: Callable[[str], None]) -> None:
            self._path(ctx).parent.mkdir(parents=True, exist_ok=True)
            self._path(ctx).write_text(ctx.finetune.name, encoding="utf-8")
            log("note written")

        return write

    def is_done(self, ctx: ChainContext) -> bool:
        return self._path(ctx).is_file()

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [self._path(ctx)]


def test_a_new_definition_runs_through_the_executor(demo) -> None:
    ctx = demo.preflight().context
    definition = _WriteNote()
    step = definition.bind(ctx)
    assert (step.key, step.group, step.is_training) == ("write_note", S.EVALUATE, False)
    assert step.before_start() is None and not step.is_done()
    events = []
    outcome = ChainExecutor(lambda: [definition.bind(ctx)], ctx.workspace,
                            on_event=events.append).run()
    assert outcome.ok and outcome.statuses == {"write_note": StepStatus.DONE}
    assert (ctx.workspace.state_dir / "note.txt").read_text() == ctx.finetune.name
    assert [e.kind for e in events] == ["started", "line", "finished"]
    # Done is read from disk: a second run skips it.
    again = ChainExecutor(lambda: [definition.bind(ctx)], ctx.workspace).run()
    assert again.statuses == {"write_note": StepStatus.SKIPPED}


def test_guard_problem_names_the_registry_number(demo, expect) -> None:
    # A data folder nnFT did not make: the preflight names the step that would replace it by
    # its number in the registry.
    folder = demo.finetune_pre / "nnUNetPlans_2d"
    folder.mkdir(parents=True)
    (folder / "case.pkl").write_text("x")
    problem = expect(demo.preflight(), "PREPROCESSED_DATA_EXISTS", Severity.ERROR,
                     "nnUNetPlans_2d")
    assert f"step {S.step_number('plan_finetune')} (" in problem.message
