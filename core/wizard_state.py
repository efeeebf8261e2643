"""The wizard's state without Qt: the choices, their preflight, and which pages may be used.

The wizard pages are thin views over this object; keeping it Qt-free means the gating rules are
tested as plain functions (tests/core) and the CLI could drive the same state.

The preflight reads the workspace from disk (dataset.json files, case lists, plans, markers,
checkpoints), growing with the number of cases: every image's header is checked. Pages ask for it
many times (every ``isComplete``, every timer tick), so :class:`WizardState` keeps the last one
and computes it again only when a choice or option changed, or when :meth:`WizardState.invalidate`
says the disk changed (a step finished, a page was entered). Computed again, it re-reads only the
files that changed (``header_cache``): on a 2,000-case pretraining dataset ~0.45 s instead of
~0.55–0.75 s, ~0.12 s once ``disk_space`` reads through the cache too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import problems as P
from .checks import Preflight, preflight
from .problems import Problem
from .session import Session
from .steps import (
    PREPARE,
    ChainContext,
    RunOptions,
    Step,
    all_done,
    build_chain,
    checkpoint_complete,
    keys_in_group,
)
from .workspace import Workspace

#: The wizard's main pages, in order (the Cluster page is off this path: see CLUSTER below).
PAGES = ("workspace", "datasets", "plans", "validation", "pretrain", "finetune", "baseline",
         "results", "use", "summary")
CLUSTER = "cluster"
#: Pages in the flow only when the options ask for them: the from-scratch baseline.
BASELINE_PAGE = "baseline"


#: The pretraining page: not in the flow of a chain that starts from a trained model.
PRETRAIN_PAGE = "pretrain"


def page_flow(options: RunOptions) -> tuple[str, ...]:
    """The pages a user walks through with these options, in order: :data:`PAGES` without
    the baseline page unless ``options.baseline`` (finetune → baseline → results → summary,
    else finetune → results → summary), and without the pretraining page when the
    fine-tuning starts from a trained model (``options.pretrained_model``)."""
    return tuple(page for page in PAGES
                 if (page != BASELINE_PAGE or options.baseline)
                 and (page != PRETRAIN_PAGE or not options.pretrained_model))


def next_page(options: RunOptions, page: str) -> str | None:
    """The page after ``page`` in :func:`page_flow` (None after the last one).

    A page not in the flow (the baseline page after its box was unticked) leads where the
    page before it leads."""
    index = PAGES.index(page)
    return next((p for p in page_flow(options) if PAGES.index(p) > index), None)


@dataclass
class WizardState:
    """Everything the user chose in the wizard, and the last preflight of that choice."""

    workspace: Workspace | None = None
    pretrain: str | None = None
    finetune: str | None = None
    options: RunOptions = field(default_factory=lambda: RunOptions(configuration="2d"))
    check_device: bool = True
    #: Free bytes of a folder's disk for DISK_SPACE_LOW (None: ``shutil.disk_usage``; tests
    #: pass a figure to show the wizard a full disk).
    free_bytes_of: Callable[[Path], int] | None = field(default=None, repr=False,
                                                        compare=False)
    _cached: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)
    #: How many times :meth:`invalidate` was called: a result computed before the last one
    #: describes a disk that may have changed (see :meth:`adopt`).
    _generation: int = field(default=0, init=False, repr=False, compare=False)
    #: For a :meth:`detached` copy: the generation of the state it was copied from.
    _copied_at: int | None = field(default=None, init=False, repr=False, compare=False)

    # -- the cached preflight ------------------------------------------------------------------
    def _choice(self) -> tuple[Any, ...]:
        return (self.workspace, self.pretrain, self.finetune, self.options, self.check_device)

    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per choice and disk state (see :meth:`invalidate`)."""
        choice = self._choice()
        if self._cached.get("choice") != choice:
            self._cached.clear()
            self._cached["choice"] = choice
        if name not in self._cached:
            self._cached[name] = compute()
        return self._cached[name]

    def invalidate(self) -> None:
        """Forget the cached preflight, steps and gating: the disk changed (a step finished or
        failed, a training outside the wizard wrote files, the user came back to a page)."""
        self._cached.clear()
        self._generation += 1

    def detached(self) -> WizardState:
        """A copy of the choice with a cache of its own, for a worker thread to compute in
        (the preflight, :func:`page_availability`): the worker never touches this state's
        cache while the GUI thread reads it. :meth:`adopt` takes the results over."""
        copy = WizardState(self.workspace, self.pretrain, self.finetune, self.options,
                           self.check_device)
        copy._copied_at = self._generation
        copy.free_bytes_of = self.free_bytes_of
        return copy

    def adopt(self, computed: WizardState) -> bool:
        """Take over what a :meth:`detached` copy computed (its preflight, steps, done
        checks), unless the choice changed or :meth:`invalidate` was called since the copy was
        made (then its results may describe an older disk). Call it in the thread that owns
        this state.

        Returns
        -------
        bool
            True when the results were taken over.
        """
        if computed._copied_at != self._generation or computed._choice() != self._choice():
            return False
        found = dict(computed._cached)
        if found.get("choice") != self._choice():
            return False  # nothing computed, or computed before a change of the copy's choice
        self._cached = found
        return True

    def run_preflight(self, *, check_weights: bool = False) -> Preflight:
        """Preflight of the current choice (an empty result until both datasets are chosen).

        Cached (see :meth:`invalidate`). With ``check_weights`` the pretrained weights are
        checked too: that loads torch and nnU-Net (seconds), is never cached here, and belongs
        in a child process or worker thread, never on the GUI thread.
        """
        if check_weights:
            return self._compute_preflight(check_weights=True)
        return self._memo("preflight", self._compute_preflight)

    def _compute_preflight(self, *, check_weights: bool = False) -> Preflight:
        if self.workspace is None:
            return Preflight()
        if not self.sources_chosen():
            return Preflight(problems=self.workspace.check())
        assert self.finetune is not None  # sources_chosen()
        return preflight(self.workspace, self.chain_pretrain, self.finetune, self.options,
                         check_device_present=self.check_device, check_weights=check_weights,
                         check_gpu_memory=False,  # the GPU strip reads NVML off this thread
                         free_bytes_of=self.free_bytes_of)

    def sources_chosen(self) -> bool:
        """The fine-tuning dataset and where the weights come from (a pretraining dataset, or
        a trained model) are chosen."""
        return bool(self.finetune and (self.options.pretrained_model or self.pretrain))

    @property
    def chain_pretrain(self) -> str | None:
        """The pretraining dataset of the chain: None in a chain from a model. A pretraining
        dataset chosen before the user switched to a model is kept in :attr:`pretrain` for a
        switch back, but is not part of that chain (given with the model, the preflight
        refuses both)."""
        return None if self.from_model else self.pretrain

    @property
    def from_model(self) -> bool:
        """The fine-tuning starts from a trained model (no pretraining dataset)."""
        return bool(self.options.pretrained_model)

    def workspace_problems(self) -> list[Problem]:
        """The nnU-Net folders' own problems (cached; no datasets are read)."""
        workspace = self.workspace
        return self._memo("workspace", lambda: workspace.check() if workspace else [])

    def context(self) -> ChainContext | None:
        return self.run_preflight().context

    def steps(self) -> list[Step]:
        """The chain's steps for the current choice (cached like the preflight)."""
        def build() -> list[Step]:
            ctx = self.context()
            return build_chain(ctx) if ctx is not None else []

        return self._memo("steps", build)

    def step_done(self, key: str) -> bool:
        """True when step ``key`` is done on disk (cached until :meth:`invalidate`)."""
        return self._memo(f"done:{key}", lambda: any(
            s.key == key and s.is_done() for s in self.steps()))

    def finetuned_model_ready(self) -> bool:
        """True when the fine-tuning's ``checkpoint_final.pth`` is whole: its model can predict
        (cached until :meth:`invalidate`)."""
        def ready() -> bool:
            ctx = self.context()
            return ctx is not None and checkpoint_complete(
                ctx.finetune_fold_dir / "checkpoint_final.pth")

        return self._memo("model_ready", ready)

    def preparation_done(self) -> bool:
        """True when plans are transferred and both datasets are preprocessed."""
        return self._memo("done:" + PREPARE, lambda: all_done(
            self.steps(), keys_in_group(PREPARE, from_model=self.from_model)))

    def with_options(self, **changes: Any) -> None:
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


# -- gating ------------------------------------------------------------------------------------
NOT_CHOSEN_BASELINE = ("Tick \"Also train a from-scratch baseline\" on the fine-tuning page "
                       "first.")


@dataclass(frozen=True)
class PageAvailability:
    """Whether a page may be entered, and if not, why (plain words naming what to do)."""

    available: bool
    reason: str = ""


def problems_of_stage(state: WizardState, *stages: str) -> list[Problem]:
    """The current preflight's problems settled at ``stages`` (see ``problems.STAGES``)."""
    return [p for p in state.run_preflight().problems if P.stage_of(p.code) in stages]


def page_availability(state: WizardState,
                      up_to: str | None = None) -> dict[str, PageAvailability]:
    """Which pages may be entered now, and why not: the wizard's one gating rule.

    A page may be entered when everything before it is settled: the workspace folders
    (datasets page), the choice of datasets and options (plans page and the Cluster page),
    the preparation steps done on disk (validation and pretraining pages), the pretraining done
    or other weights chosen (fine-tuning page), the baseline chosen (baseline page: it needs the
    preprocessed fine-tuning dataset, not the pretraining nor the fine-tuning), the
    fine-tuning done (results, "use the model" and summary; "use the model" also needs the
    fine-tuning's whole ``checkpoint_final.pth``).

    Parameters
    ----------
    state
        The wizard's state (its cached preflight and done checks are used).
    up_to
        Stop after this page: the pages after it are not looked at (no preflight is run for
        a question about the datasets page).

    Returns
    -------
    dict
        Page key (:data:`PAGES` and :data:`CLUSTER`) → :class:`PageAvailability`, in page
        order; a page after one that is not available is not available for the same reason.
        The baseline page is not available while the baseline is not chosen, and then blocks
        no page after it (it is not in the :func:`page_flow`).
    """
    def workspace_settled() -> tuple[bool, str]:
        if state.workspace is None:
            return False, "Choose the nnU-Net folders first."
        errors = [p for p in state.workspace_problems() if p.is_error]
        return not errors, errors[0].message if errors else ""

    def datasets_settled() -> tuple[bool, str]:
        if not state.sources_chosen():
            return False, ("Choose a pretraining and a fine-tuning dataset first (or, "
                           "instead of the pretraining dataset, a model to start from).")
        errors = [p for p in problems_of_stage(state, "workspace", "datasets") if p.is_error]
        return not errors, errors[0].message if errors else ""

    def prepared() -> tuple[bool, str]:
        return state.preparation_done(), "Run the preparation steps first (plans page)."

    gates = {
        "datasets": workspace_settled,
        "plans": datasets_settled,
        "validation": prepared,
        # From a model there is no pretraining: its page is off the flow and holds back nothing.
        "pretrain": lambda: prepared() if not state.from_model else (True, ""),
        "finetune": lambda: (
            state.step_done("pretrain") or bool(state.options.pretrained_weights)
            or (state.from_model and state.preparation_done()),
            "Finish the pretraining first, or choose pretrained weights of your own."),
        # Reached from the fine-tuning page, so the pages before it are settled; the
        # baseline itself needs only the preprocessed fine-tuning dataset (prepared()).
        BASELINE_PAGE: lambda: (state.options.baseline, NOT_CHOSEN_BASELINE),
        "results": lambda: (state.step_done("finetune"), "Finish the fine-tuning first."),
        # Predicting needs only the fine-tuned weights (checkpoint_final.pth), not the
        # comparison; the results page before it already asks for the finished fine-tuning.
        "use": lambda: (state.finetuned_model_ready(),
                        "The fine-tuned model has no whole checkpoint_final.pth yet: finish "
                        "the fine-tuning first (fine-tuning page)."),
        "summary": lambda: (state.step_done("finetune"), "Finish the fine-tuning first."),
    }
    pages: dict[str, PageAvailability] = {"workspace": PageAvailability(True)}
    blocked: PageAvailability | None = None
    for page in PAGES[1:]:
        if blocked is not None:
            pages[page] = blocked
        else:
            ok, reason = gates[page]()
            pages[page] = PageAvailability(ok, "" if ok else reason)
            # The baseline page off the flow is not to be entered, but holds back no page.
            if not ok and page != BASELINE_PAGE:
                blocked = pages[page]
        if page == "plans":
            pages[CLUSTER] = pages[page]  # the Cluster job plans and preprocesses itself
        if page == up_to:
            break
    return pages


def next_page_available(state: WizardState, page: str) -> bool:
    """True when the page after ``page`` (in the :func:`page_flow` of the state's options)
    may be entered."""
    following = next_page(state.options, page)
    if following is None:
        return True
    return page_availability(state, up_to=following)[following].available
