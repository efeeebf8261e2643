"""A chain step as nnFT sees it: its definition (what it is) and its bound form (what runs).

A :class:`StepDefinition` declares, once, everything nnFT knows about one step of the chain: its
key, group, title, why it exists, its argv builder, whether it is done (read from disk), what it
writes, and the guards that run right before it. The registry (:mod:`.registry`) lists the
definitions in chain order. :meth:`StepDefinition.bind` turns a definition and a
:class:`~.context.ChainContext` into a :class:`Step`, the object the executor runs, the CLI
prints and the SLURM scripts are written from.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .context import ChainContext

#: Groups of steps, in chain order. Pages, SLURM jobs and CLI labels select steps by group.
PREPARE, TRAIN, EVALUATE, USE = "prepare", "train", "evaluate", "use"
GROUPS = (PREPARE, TRAIN, EVALUATE, USE)


@dataclass
class Step:
    """One step of the chain, bound to a context: what the executor runs.

    Exactly one of ``argv`` (an nnU-Net command) and ``action`` (a small file operation nnFT
    does itself) is set. ``shell`` is the same step as one line of bash, for export and display.
    ``before_start`` runs right before the command (guards, backups, markers): the lines it
    returns go to the step log; raising (e.g. :class:`~.guards.StepRefused`) fails the step
    unstarted. ``number`` is the step's 1-based place in the whole chain (0: not from the
    registry).
    """

    key: str
    title: str
    why: str
    is_done: Callable[[], bool]
    argv: list[str] | None = None
    action: Callable[[Callable[[str], None]], None] | None = None
    shell: str = ""
    env: dict[str, str] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    is_training: bool = False
    before_start: Callable[[], list[str] | None] | None = None
    after_done: Callable[[], None] | None = None
    group: str = ""
    number: int = 0

    def command_line(self) -> str:
        return self.shell or (shlex.join(self.argv) if self.argv else "")


class StepDefinition:
    """One kind of step of the chain. Subclass it, then add an instance to the registry.

    The methods receive the :class:`ChainContext` and ``fresh``: True for a run from scratch
    ignoring what is on disk (exported scripts that run elsewhere), False for the next run here
    (a plain ``preprocess`` when plans exist, ``--c`` when a checkpoint exists, …).

    Subclasses set ``key`` (stable: sessions, logs and SLURM records name it), ``group`` (one of
    :data:`GROUPS`) and implement :meth:`title`, :meth:`why`, :meth:`is_done` and either
    :meth:`argv` or :meth:`action`; the other methods have defaults that do nothing.
    """

    key: ClassVar[str]
    group: ClassVar[str]
    #: A training (live curves, graceful stop, GPU); the executor and the pages treat it so.
    is_training: ClassVar[bool] = False
    #: 1-based place in the chain, set by the registry ("step 5" in messages and labels).
    number: int = 0

    def applies(self, ctx: ChainContext) -> bool:
        """False for an optional step the chain's options did not ask for (it is then left
        out of the chain: not run, not exported, not shown)."""
        return True

    def title(self, ctx: ChainContext) -> str:
        """One line naming what the step does, with the datasets concerned."""
        raise NotImplementedError

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        """Why the chain needs this step, in plain words (tooltips, exported scripts)."""
        raise NotImplementedError

    def is_done(self, ctx: ChainContext) -> bool:
        """True when the step's outputs exist and are complete (read from disk only)."""
        raise NotImplementedError

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str] | None:
        """The command (an argv list, never a shell string); None for an nnFT file action."""
        return None

    def action(self, ctx: ChainContext) -> Callable[[Callable[[str], None]], None] | None:
        """A file operation nnFT does itself instead of a command (gets a log function)."""
        return None

    def shell(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        """The step as one line of bash when it is not just ``argv`` (exports, display)."""
        return ""

    def env(self, ctx: ChainContext) -> dict[str, str]:
        """Variables the command gets on top of the workspace's environment."""
        return {}

    def outputs(self, ctx: ChainContext) -> list[Path]:
        """The main files the step writes."""
        return []

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str] | None:
        """Guards, backups and markers right before the command starts (see :class:`Step`)."""
        return None

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        """Bookkeeping once the step finished and :meth:`is_done` holds."""

    def bind(self, ctx: ChainContext, *, fresh: bool = False) -> Step:
        """This step for one context: the object the executor runs and the CLI prints."""
        argv = self.argv(ctx, fresh)
        return Step(
            key=self.key,
            title=self.title(ctx),
            why=self.why(ctx, argv, fresh),
            is_done=lambda: self.is_done(ctx),
            argv=argv,
            action=self.action(ctx),
            shell=self.shell(ctx, argv, fresh),
            env=self.env(ctx),
            outputs=self.outputs(ctx),
            is_training=self.is_training,
            before_start=lambda: self.before_start(ctx, argv, fresh),
            after_done=lambda: self.after_done(ctx, argv),
            group=self.group,
            number=self.number,
        )
