"""The wizard's state without Qt: the choices, their preflight, and which pages may be used.

The wizard pages are thin views over this object; keeping it Qt-free means the gating rules are
tested as plain functions (tests/core) and the CLI could drive the same state.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .checks import Preflight, preflight
from .pipeline import ChainContext, RunOptions, Step, build_chain
from .session import Session
from .workspace import Workspace

PREPARATION_STEPS = ("plan_finetune", "fingerprint_pretrain", "transfer_plans",
                     "copy_dataset_json", "preprocess_pretrain")


@dataclass
class WizardState:
    """Everything the user chose in the wizard."""

    workspace: Workspace | None = None
    pretrain: str | None = None
    finetune: str | None = None
    options: RunOptions = field(default_factory=lambda: RunOptions(configuration="2d"))
    check_device: bool = True

    def run_preflight(self, *, check_weights: bool = False) -> Preflight:
        """Preflight of the current choice (an empty result until both datasets are chosen).

        The pretrained-weights check loads torch, so pages ask for it only where it matters
        (before fine-tuning starts).
        """
        if self.workspace is None:
            return Preflight()
        if self.pretrain is None or self.finetune is None:
            return Preflight(problems=self.workspace.check())
        return preflight(self.workspace, self.pretrain, self.finetune, self.options,
                         check_device_present=self.check_device, check_weights=check_weights)

    def context(self) -> ChainContext | None:
        return self.run_preflight().context

    def steps(self) -> list[Step]:
        ctx = self.context()
        return build_chain(ctx) if ctx is not None else []

    def with_options(self, **changes) -> None:
        self.options = dataclasses.replace(self.options, **changes)

    # -- persistence ---------------------------------------------------------------------------
    def to_session(self) -> Session:
        ws = self.workspace
        return Session(
            raw=str(ws.raw) if ws and ws.raw else None,
            preprocessed=str(ws.preprocessed) if ws and ws.preprocessed else None,
            results=str(ws.results) if ws and ws.results else None,
            pretrain=self.pretrain, finetune=self.finetune,
            options=dataclasses.asdict(self.options),
        )

    @classmethod
    def from_session(cls, session: Session) -> WizardState:
        state = cls()
        if session.raw or session.preprocessed or session.results:
            state.workspace = Workspace(*(Path(p) if p else None for p in
                                          (session.raw, session.preprocessed, session.results)))
        state.pretrain, state.finetune = session.pretrain, session.finetune
        known = {f.name for f in dataclasses.fields(RunOptions)}
        try:
            state.options = RunOptions(**{k: v for k, v in session.options.items() if k in known})
        except TypeError:
            pass
        return state


def preparation_done(steps: list[Step]) -> bool:
    """True when plans are transferred and both datasets are preprocessed."""
    done = {s.key: s.is_done() for s in steps}
    return bool(done) and all(done.get(k, False) for k in PREPARATION_STEPS)


def step_done(steps: list[Step], key: str) -> bool:
    return any(s.key == key and s.is_done() for s in steps)
