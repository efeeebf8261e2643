"""WizardState: one cached preflight, invalidated on edits and disk changes; one gating rule."""

from __future__ import annotations

import pytest

from nnft.core import wizard_state as W
from nnft.core.problems import ALL_CODES, STAGE_OF_CODE, STAGES
from nnft.core.steps import definition
from nnft.core.wizard_state import WizardState, next_page_available, page_availability


def make_state(demo, **options) -> WizardState:
    state = WizardState(workspace=demo.workspace, pretrain="1", finetune="2",
                        options=demo.options(**options))
    state.check_device = False
    return state


@pytest.fixture
def counted(monkeypatch):
    """Count the preflights WizardState runs."""
    calls = []
    real = W.preflight

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(W, "preflight", counting)
    return calls


def test_preflight_is_cached_until_a_choice_changes(demo, counted) -> None:
    state = make_state(demo)
    first = state.run_preflight()
    for _ in range(20):
        assert state.context() is first.context
        state.steps()
        page_availability(state)
    assert len(counted) == 1
    state.with_options(fold="1")
    assert state.context().options.fold == "1"
    assert len(counted) == 2
    state.pretrain = "Dataset001_DemoPretrain"
    state.context()
    assert len(counted) == 3
    state.with_options(fold="1")  # the same value: nothing changed
    state.context()
    assert len(counted) == 3


def test_invalidate_reads_the_disk_again(demo, counted) -> None:
    state = make_state(demo)
    assert state.run_preflight().ok
    # The disk changes behind the state's back (a file removed by hand).
    (demo.finetune_raw / "dataset.json").unlink()
    assert state.run_preflight().ok, "cached until told"
    state.invalidate()
    assert not state.run_preflight().ok
    assert len(counted) == 2
    assert state.run_preflight().codes() == ["DATASET_JSON_INVALID"]


def test_weights_preflight_is_never_cached(demo, counted) -> None:
    state = make_state(demo)
    state.run_preflight()
    state.run_preflight(check_weights=True)
    state.run_preflight(check_weights=True)
    assert len(counted) == 3
    assert state.run_preflight() is state.run_preflight()


def test_every_problem_code_has_a_stage() -> None:
    assert set(STAGE_OF_CODE) == set(ALL_CODES)
    assert set(STAGE_OF_CODE.values()) <= set(STAGES)


def _available(state) -> dict[str, bool]:
    return {page: a.available for page, a in page_availability(state).items()}


def test_gating_without_workspace_or_datasets(demo) -> None:
    state = WizardState()
    pages = page_availability(state)
    assert pages["workspace"].available
    assert not pages["datasets"].available
    assert "folders" in pages["datasets"].reason
    assert all(not pages[p].available for p in W.PAGES[1:])
    state.workspace = demo.workspace
    pages = page_availability(state)
    assert pages["datasets"].available and not pages["plans"].available
    assert "Choose a pretraining and a fine-tuning dataset" in pages["plans"].reason
    assert not pages["cluster"].available


def test_gating_follows_the_disk(demo, monkeypatch) -> None:
    state = make_state(demo)
    done = {key: False for key in ("plan_finetune", "fingerprint_pretrain", "transfer_plans",
                                   "copy_dataset_json", "preprocess_pretrain", "pretrain",
                                   "finetune")}
    for key in done:
        monkeypatch.setattr(definition(key), "is_done", lambda ctx, key=key: done[key])
    # A finished fine-tuning has its checkpoint_final.pth (test_use_page_needs_... reads it).
    monkeypatch.setattr(W.WizardState, "finetuned_model_ready", lambda self: done["finetune"])
    assert _available(state) == {"workspace": True, "datasets": True, "plans": True,
                                 "cluster": True, "validation": False, "pretrain": False,
                                 "finetune": False, "baseline": False, "results": False,
                                 "use": False, "summary": False}
    assert "preparation" in page_availability(state)["validation"].reason
    for key in list(done)[:5]:
        done[key] = True
    assert not _available(state)["validation"], "cached until a step finished"
    state.invalidate()
    assert _available(state)["pretrain"] and not _available(state)["finetune"]
    assert "pretraining" in page_availability(state)["finetune"].reason
    assert next_page_available(state, "validation")
    assert not next_page_available(state, "pretrain")
    # Weights of one's own stand in for the pretraining.
    state.with_options(pretrained_weights=str(demo.root / "other.pth"))
    assert next_page_available(state, "pretrain")
    assert not next_page_available(state, "finetune")
    done["finetune"] = True
    state.invalidate()
    assert next_page_available(state, "finetune") and next_page_available(state, "summary")
    assert _available(state)["results"] and _available(state)["summary"]
    assert _available(state)["use"] and next_page_available(state, "results")


def test_the_baseline_page_is_in_the_flow_only_when_chosen(demo, monkeypatch) -> None:
    """finetune → baseline → results → summary with the baseline, else finetune → results;
    the baseline page needs the preparation (and the fine-tuning page before it), not the
    fine-tuning; the results page needs the fine-tuning done, not the baseline."""
    state = make_state(demo)
    done = {"pretrain": True, "finetune": False, "baseline": False}
    monkeypatch.setattr(W.WizardState, "preparation_done", lambda self: True)
    monkeypatch.setattr(W.WizardState, "step_done", lambda self, key: done.get(key, False))
    monkeypatch.setattr(W.WizardState, "finetuned_model_ready", lambda self: done["finetune"])
    assert W.page_flow(state.options)[5:] == ("finetune", "results", "use", "summary")
    assert W.next_page(state.options, "finetune") == "results"
    pages = page_availability(state)
    assert not pages["baseline"].available and "baseline" in pages["baseline"].reason
    # Off the flow, the unchosen baseline holds back no page after it.
    assert not pages["results"].available and "fine-tuning" in pages["results"].reason
    assert not next_page_available(state, "finetune")
    done["finetune"] = True
    assert next_page_available(state, "finetune") and pages != page_availability(state)
    assert page_availability(state)["results"].available

    state.with_options(baseline=True)  # ticked later, on a fine-tuned chain
    assert W.page_flow(state.options)[5:] == ("finetune", "baseline", "results", "use",
                                              "summary")
    assert W.next_page(state.options, "finetune") == "baseline"
    assert W.next_page(state.options, "baseline") == "results"
    assert page_availability(state)["baseline"].available
    # The baseline may train before the fine-tuning: its page is open, the results wait.
    done["finetune"] = False
    assert next_page_available(state, "finetune")
    assert not next_page_available(state, "baseline")
    # No pretraining and no weights of one's own: the fine-tuning page is shut, so is the rest.
    done["pretrain"] = False
    pages = page_availability(state)
    assert not pages["baseline"].available and pages["baseline"].reason == \
        pages["finetune"].reason


def test_use_page_needs_the_whole_checkpoint_final_of_the_finetuning(demo, monkeypatch) -> None:
    """results → use → summary; the "use the model" page opens only once the fine-tuning's
    checkpoint_final.pth on disk is whole (a file cut off while written is not), and says so."""
    import zipfile

    state = make_state(demo)
    monkeypatch.setattr(W.WizardState, "preparation_done", lambda self: True)
    monkeypatch.setattr(W.WizardState, "step_done", lambda self, key: True)
    assert W.next_page(state.options, "results") == "use"
    assert W.next_page(state.options, "use") == "summary"
    pages = page_availability(state)
    assert pages["results"].available and not pages["use"].available
    assert "checkpoint_final.pth" in pages["use"].reason
    assert pages["summary"].reason == pages["use"].reason
    assert not next_page_available(state, "results")
    checkpoint = state.context().finetune_fold_dir / "checkpoint_final.pth"
    checkpoint.parent.mkdir(parents=True)
    with zipfile.ZipFile(checkpoint, "w") as archive:  # torch.save writes a zip archive
        archive.writestr("archive/data.pkl", b"x" * 1000)
    whole = checkpoint.read_bytes()
    checkpoint.write_bytes(whole[:200])  # cut off before its central directory
    state.invalidate()
    assert not page_availability(state)["use"].available
    checkpoint.write_bytes(whole)
    assert not page_availability(state)["use"].available, "cached until told"
    state.invalidate()
    assert page_availability(state)["use"].available and next_page_available(state, "use")


def test_dataset_errors_block_the_plans_page_only_from_their_stage(demo, monkeypatch) -> None:
    state = make_state(demo)
    assert page_availability(state)["plans"].available
    # A plans-stage error (a default identifier) belongs to the plans page, not before it.
    state.with_options(plans_name="nnUNetPlans")
    assert "PLANS_ID_DEFAULT" in state.run_preflight().codes()
    assert page_availability(state)["plans"].available
    # A dataset-stage error blocks it, with the problem as the reason.
    state.with_options(plans_name="MyPlans")
    state.finetune = "1"
    pages = page_availability(state)
    assert not pages["plans"].available and "both" in pages["plans"].reason
    assert not pages["summary"].available and pages["summary"].reason == pages["plans"].reason


def test_up_to_stops_before_the_preflight(demo, counted) -> None:
    state = make_state(demo)
    pages = page_availability(state, up_to="datasets")
    assert list(pages) == ["workspace", "datasets"] and pages["datasets"].available
    assert counted == []
    assert next_page_available(state, "workspace") and counted == []


def test_a_detached_copy_computes_apart_and_is_adopted_while_nothing_changed(demo,
                                                                             counted) -> None:
    """A worker thread computes in a detached copy (never in the cache the GUI thread reads);
    its results are taken over only for the same choice and the same disk generation."""
    state = make_state(demo)
    state.free_bytes_of = lambda folder: 10**15  # what the copy measures the disks with too
    computing = state.detached()
    assert computing.free_bytes_of is state.free_bytes_of
    availability = page_availability(computing)
    assert len(counted) == 1 and state._cached == {}  # the original's cache untouched
    assert state.adopt(computing)
    assert state.run_preflight() is computing.run_preflight() and len(counted) == 1
    assert page_availability(state) == availability and len(counted) == 1

    stale = state.detached()
    stale.run_preflight()
    state.invalidate()  # the disk changed while the copy computed: its results are old
    assert not state.adopt(stale)
    assert state._cached == {}

    other = state.detached()
    other.run_preflight()
    state.with_options(configuration="3d_fullres")  # the user chose again meanwhile
    assert not state.adopt(other)
    state.run_preflight()
    assert len(counted) == 4  # copy, stale copy, other copy, then the new choice itself
    assert state.run_preflight().context.options.configuration == "3d_fullres"

    unused = state.detached()  # nothing computed in it: nothing to take over
    assert not state.adopt(unused)
    assert state.run_preflight().context.options.configuration == "3d_fullres"
