"""A chain that fine-tunes from a model someone trained, outside ``nnft run`` (issue 12, item 3).

The model is ``chain_run``'s real pretraining (``Dataset001_DemoPretrain/nnFTTrainerQuickTrial__
…__2d``, fold ``all``); a fresh demo workspace fine-tunes its ``Dataset002_DemoFinetune`` from
it. The chain is exported with ``nnft export --pretrained-model`` and run with bash (real
nnU-Net, quick trial 2d, 2 epochs x 3 iterations, with nnU-Net's final validation); then
``nnft run`` must find every step done, the run report must name the model and its checkpoint's
sha256, and the model card of the fine-tuned model must too. About 2 minutes on 2 cores.
"""

from __future__ import annotations

import hashlib
import html
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnft.core.checks import preflight
from nnft.core.demo import DemoWorkspace, write_demo_workspace
from nnft.core.evaluation import find_runs
from nnft.core.model_export import model_card, model_card_markdown
from nnft.core.steps import (
    RUN_MARKER,
    ChainContext,
    RunOptions,
    checkpoint_complete,
    finetune_data_folder,
    import_record,
    load_json,
    preprocessing_marker_path,
    read_run_marker,
)
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, nnft

pytestmark = pytest.mark.integration

FINETUNE = "Dataset002_DemoFinetune"
MODEL_NAME = f"Dataset001_DemoPretrain (nnFTTrainerQuickTrial, {PLANS_NAME}, 2d, fold all)"
#: The model's plans in the fine-tuning dataset (nnFT's default identifier for them).
NEW_PLANS = f"{PLANS_NAME}_from_Dataset001"
#: A quick trial with nnU-Net's final validation (the model card needs its Dice).
ARGS = ["--finetune", "2", "--config", "2d", "--epochs", "2", "--iterations", "3",
        "--device", "cpu"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        env.pop(variable, None)
    # nnU-Net's commands and nnFT from the Python running the tests.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class ScriptedModelChain:
    model: Path
    demo: DemoWorkspace
    script: str
    ran: subprocess.CompletedProcess
    ctx: ChainContext

    def args(self) -> list[str]:
        return ["--workspace", str(self.demo.root), "--pretrained-model", str(self.model), *ARGS]


@pytest.fixture(scope="module")
def scripted(chain_run, tmp_path_factory) -> ScriptedModelChain:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    model = (chain_run.demo.results / "Dataset001_DemoPretrain"
             / f"nnFTTrainerQuickTrial__{PLANS_NAME}__2d")
    root = tmp_path_factory.mktemp("from model") / "model workspace ü"
    demo = write_demo_workspace(root)
    script = root.parent / "chain.sh"
    exported = nnft("export", "--workspace", str(root), "--pretrained-model", str(model), *ARGS,
                    "--output", str(script), env=_env())
    assert exported.returncode == 0, exported.stderr
    ran = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=_env(),
                         timeout=1200, cwd=root.parent)
    checked = preflight(Workspace.from_root(root), None, 2, RunOptions(
        configuration="2d", device="cpu", trial_epochs=2, trial_iterations=3,
        pretrained_model=str(model)), check_device_present=False, check_weights=False)
    assert checked.context is not None, [str(p) for p in checked.problems]
    return ScriptedModelChain(model, demo, script.read_text(), ran, checked.context)


def test_exported_model_chain_runs_with_bash_and_nnft_run_finds_it_done(scripted):
    s, ctx = scripted, scripted.ctx
    lines = s.script.splitlines()
    assert lines[1] == f"# nnFT: fine-tune on {FINETUNE} (2d) from the model {MODEL_NAME}."
    assert lines[2] == f"# The model: {s.model}"
    assert lines[3].startswith(f"# Plans and weights flow from the model: its plans go to "
                               f"{FINETUNE} as '{NEW_PLANS}'")
    assert s.ran.returncode == 0, (s.ran.stdout + s.ran.stderr)[-3000:]

    # The fine-tuned model, validated, under the model's plans in the fine-tuning dataset.
    assert ctx.options.plans_name == ctx.options.finetune_plans == NEW_PLANS
    fold = ctx.finetune_fold_dir
    assert fold.parent.name == f"nnFTTrainerQuickTrial__{NEW_PLANS}__2d"
    assert checkpoint_complete(fold / "checkpoint_final.pth")
    assert (fold / "validation" / "summary.json").is_file()
    # nnFT's records, written by the script's hooks: the import (with the checkpoint's hash),
    # the run marker naming the model, the fingerprint, transfer and preprocessing records.
    model_sha = _sha256(s.model / "fold_all" / "checkpoint_final.pth")
    record = import_record(ctx.model)
    assert record is not None and record["checkpoint_sha256"] == model_sha
    assert _sha256(ctx.pretrained_checkpoint) == model_sha
    marker = read_run_marker(fold)
    assert marker is not None and marker["pretrained_weights"] == str(ctx.pretrained_checkpoint)
    assert marker["pretrain_dataset"] is None
    assert marker["source_model"]["path"] == str(s.model)
    assert marker["source_model"]["checkpoint_sha256"] == model_sha
    assert "-pretrained_weights" in marker["command"]
    assert (ctx.finetune_preprocessed / ".nnft_fingerprint.json").is_file()
    data_folder = finetune_data_folder(ctx)
    assert data_folder is not None and data_folder.name == f"{NEW_PLANS}_2d"
    assert preprocessing_marker_path(data_folder).is_file()
    transfers = load_json(s.demo.results / "nnFT" / "transfers.json") or {}
    assert transfers[str(ctx.finetune_plans_file)]["source"] == str(ctx.transfer_source)
    # The workspace's own plans and results are untouched: nothing else was trained.
    assert not (ctx.finetune_preprocessed / "nnUNetPlans.json").exists()
    assert sorted(p.name for p in (s.demo.results / FINETUNE).iterdir()) == [fold.parent.name]

    again = nnft("run", *s.args(), env=_env())
    output = again.stdout + again.stderr
    assert again.returncode == 0, output[-3000:]
    assert output.count("already done, skipped") == 5, output[-3000:]
    assert "\n$ " not in output  # no command ran
    assert f"Model:               {MODEL_NAME}" in output


def test_check_dry_run_and_submit_dry_run_of_a_model_chain_say_what_it_is(scripted):
    """``nnft check``, ``nnft run --dry-run`` and ``nnft submit --dry-run`` of the finished
    model chain: the model as the source, every step done, no pretraining anywhere."""
    s = scripted
    assert s.ran.returncode == 0, (s.ran.stdout + s.ran.stderr)[-3000:]
    checked = nnft("check", *s.args(), env=_env())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (f"OK: fine-tune {FINETUNE} from the model {MODEL_NAME}, 2d; the model's plans go "
            f"to {FINETUNE} as '{NEW_PLANS}'.") in checked.stdout

    dry = nnft("run", *s.args(), "--dry-run", env=_env())
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"Model:               {MODEL_NAME}   (plans AND weights come FROM it)" in dry.stdout
    assert f"[1/5] Import the model {MODEL_NAME} (done, skipped)" in dry.stdout
    assert (f"[5/5] Fine-tune on {FINETUNE} (fold 0) from the model's weights (done, skipped)"
            in dry.stdout)
    assert dry.stdout.count("(done, skipped)") == 5 and "Pretrain on" not in dry.stdout

    # Everything is done: nothing to submit (the planner asks no pretraining).
    submitted = nnft("submit", *s.args(), "--dry-run", "--gpus", "0", env=_env())
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    assert "Every step is done already: fine-tuned model(s) in" in submitted.stdout
    # Folds not trained yet: the preparation is done, only fine-tuning jobs are planned.
    more = nnft("submit", *s.args(), "--dry-run", "--gpus", "0", "--folds", "1,2",
                "--baseline", env=_env())
    assert more.returncode == 0, more.stdout + more.stderr
    assert f"Model:               {MODEL_NAME}" in more.stdout
    assert "nnft-finetune-D002" in more.stdout and "nnft-baseline-D002" in more.stdout
    assert "nnft-prepare-" not in more.stdout
    assert "nnft-pretrain" not in more.stdout and "Pretrain on" not in more.stdout
    assert "alongside the fine-tuning" in more.stdout


def test_run_report_names_the_model_and_its_checkpoint_hash(scripted, tmp_path):
    s = scripted
    assert s.ran.returncode == 0, (s.ran.stdout + s.ran.stderr)[-3000:]
    output = tmp_path / "report.html"
    written = nnft("report", *s.args(), "--output", str(output), env=_env())
    assert written.returncode == 0, written.stderr
    text = html.unescape(output.read_text(encoding="utf-8"))
    model_sha = _sha256(s.model / "fold_all" / "checkpoint_final.pth")
    assert f"nnFT run report: model {MODEL_NAME} → {FINETUNE}</title>" in text
    assert "<h2>Model and direction</h2>" in text and "Pretraining dataset" not in text
    for row, value in (("Model", str(s.model)), ("Trained on", "Dataset001_DemoPretrain"),
                       ("Trainer", "nnFTTrainerQuickTrial"), ("Plans", PLANS_NAME),
                       ("Configuration", "2d"), ("Fold", "all")):
        assert f"<tr><th>{row}</th><td><code>{value}</code></td>" in text, row
    assert f'<tr><th>Checkpoint sha256</th><td><span class="mono">{model_sha}</span>' in text
    assert (f"Plans identifier of the model: <code>{PLANS_NAME}</code>; the model's plans in "
            f"the fine-tuning dataset (the new identifier): <code>{NEW_PLANS}</code>") in text
    # The files' hashes: the model's plans, their copy under the new identifier, the weights.
    assert f"<code>{s.ctx.finetune_plans_file}</code>" in text
    assert f"<code>{s.ctx.pretrained_checkpoint}</code></td><td><span class=\"mono\">" \
           f"{model_sha}</span>" in text
    # Every command the script ran was recorded by its hooks (none "not recorded").
    for key in ("import_model", "fingerprint_finetune", "transfer_model_plans",
                "preprocess_finetune", "finetune"):
        assert f"<code>{key}</code>" in text, key
    assert "not recorded" not in text
    # The missing baseline's command names the model, not a pretraining dataset.
    assert f"--pretrained-model '{s.model}'" in text and "--pretrain '<" not in text
    assert f"--plans-name {NEW_PLANS}" in text


def test_model_card_names_the_source_model_and_its_checkpoint_hash(scripted):
    s = scripted
    assert s.ran.returncode == 0, (s.ran.stdout + s.ran.stderr)[-3000:]
    runs = [r for r in find_runs(s.demo.results, FINETUNE, "2d")
            if r.fold == "0" and not r.from_scratch]
    assert len(runs) == 1 and (runs[0].fold_dir / RUN_MARKER).is_file()
    model_sha = _sha256(s.model / "fold_all" / "checkpoint_final.pth")
    card = model_card(runs, {"0": {"current_epoch": 2}}, s.demo.results)
    weights = card["folds"][0]["pretrained_weights"]
    assert weights["pretraining_dataset"] is None
    assert weights["source_model"] == {
        "path": str(s.model), "member": None, "dataset": "Dataset001_DemoPretrain",
        "trainer": "nnFTTrainerQuickTrial", "plans": PLANS_NAME, "configuration": "2d",
        "fold": "all", "checkpoint_sha256_at_import": model_sha}
    assert weights["checkpoint_sha256"] == model_sha
    assert f"from the model {MODEL_NAME}, given as {s.model}" in card["training"]["how"]
    assert card["model"]["plans_identifier"] == NEW_PLANS
    markdown = model_card_markdown(card)
    assert f"- Fine-tuned from the model: {MODEL_NAME}\n" in markdown
    assert f"- Its checkpoint's sha256 when nnFT imported it: {model_sha}\n" in markdown
    assert "Pretrained on" not in markdown and "None" not in markdown
