"""Scripts of a chain that fine-tunes from a model someone else trained (issue 12, item 3).

Planner tests without training and without Slurm, on a hand-made model folder
(``Dataset007_Source/nnUNetTrainer__nnUNetPlans__2d`` with plans, dataset.json and a fold's
checkpoint): the SLURM jobs (no pretraining job; job names and the chain id from the model), the
exported bash script's header, and what never reads the (absent) pretraining dataset. The real
run of an exported model chain is tests/integration/test_model_chain_scripts.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nnft.core import problems as P
from nnft.core import slurm as S
from nnft.core.checks import preflight
from nnft.core.steps import build_chain, export_bash, finetune_argv

MODEL_DATASET = "Dataset007_Source"
MODEL_FOLDER = "nnUNetTrainer__nnUNetPlans__2d"
QUICK = dict(trial_epochs=4, trial_iterations=3, device="cpu", configuration="")
MODEL_PREPARE_KEYS = ("import_model", "fingerprint_finetune", "transfer_model_plans",
                      "preprocess_finetune")


def _write_model(root: Path, demo, plans_factory, checkpoint: bytes = b"a checkpoint") -> Path:
    """A trained model's folder as nnU-Net writes it (the checkpoint's content is not read by
    the planner: any bytes that are not a cut-off zip count as whole)."""
    folder = root / MODEL_DATASET / MODEL_FOLDER
    (folder / "fold_all").mkdir(parents=True)
    (folder / "plans.json").write_text(json.dumps(plans_factory(MODEL_DATASET, "nnUNetPlans",
                                                                ("2d",))))
    shutil.copy(demo.pretrain_raw / "dataset.json", folder / "dataset.json")
    (folder / "fold_all" / "checkpoint_final.pth").write_bytes(checkpoint)
    return folder


def _model_ctx(demo, model: Path, **options):
    result = preflight(demo.workspace, None, 2,
                       demo.options(pretrained_model=str(model), **{**QUICK, **options}),
                       check_device_present=False, check_weights=False)
    assert result.context is not None and not P.has_errors(result.problems), \
        [str(p) for p in result.problems]
    assert result.context.from_model and result.context.pretrain_dataset is None
    return result.context


def _bash_syntax_ok(text: str) -> None:
    check = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_slurm_jobs_of_a_model_chain_have_no_pretraining(demo, plans_factory, tmp_path):
    model = _write_model(tmp_path / "models", demo, plans_factory)
    ctx = _model_ctx(demo, model, baseline=True)
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=0), ["0", "1"])
    # prepare -> finetune (-> baseline), both after the preparation.
    assert [(j.role, j.name, j.after) for j in chain.jobs] == [
        ("prepare", "nnft-prepare-M007-D002", None),
        ("finetune", "nnft-finetune-D002", "prepare"),
        ("baseline", "nnft-baseline-D002", "prepare"),
    ]
    assert re.fullmatch(r"\d{8}-\d{6}-M007-D002", chain.chain_id)
    assert S.training_roles(ctx) == ("finetune", "baseline")

    prepare = chain.job("prepare")
    assert prepare.steps == MODEL_PREPARE_KEYS
    text = prepare.text
    _bash_syntax_ok(text)
    assert (f"# nnFT: fine-tune on Dataset002_DemoFinetune (2d) from the model {MODEL_DATASET} "
            "(nnUNetTrainer, nnUNetPlans, 2d, fold all); this job: the preparation on the CPU, "
            "step(s) 1, 2, 3, 4 of 6.") in text
    assert "# Plans and weights flow from the model: its plans go to Dataset002_DemoFinetune " \
           "as 'MyPlans'" in text
    assert "# 1. Import the model" in text and "# 4. Preprocess Dataset002_DemoFinetune" in text
    assert "-m nnft.core.steps.from_model import_model " in text
    assert "-m nnft.core.steps.from_model transfer_model_plans " in text
    assert '"${NNFT_STEP_HOOK[@]}" before import_model --' in text

    finetune = chain.job("finetune")
    _bash_syntax_ok(finetune.text)
    # The weights are the model's checkpoint as the preparation job imports it.
    assert f"PRETRAINED={ctx.pretrained_checkpoint}" in finetune.text
    assert str(ctx.model.imported_dir) in str(ctx.pretrained_checkpoint)
    first = finetune_argv(ctx, resume=False)
    assert first[-2:] == ["-pretrained_weights", str(ctx.pretrained_checkpoint)]
    assert f"from the model {MODEL_DATASET} (nnUNetTrainer, nnUNetPlans, 2d, fold all)" \
        in finetune.text
    assert "-p MyPlans " in finetune.text
    for job in chain.jobs:
        assert "pretrain" not in job.name and "Pretrain on" not in job.text

    driver = S.export_slurm_text(ctx, S.SlurmProfile(gpus=0), ["0", "1"], chain_id="C")
    _bash_syntax_ok(driver)
    assert "from the model Dataset007_Source" in driver.splitlines()[1]
    assert "#   1_prepare.sbatch: steps 1-4 on the CPU" in driver
    assert ('finetune=$(sbatch --parsable --dependency=afterok:$prepare '
            '"$CHAIN_DIR/3_finetune.sbatch")') in driver
    assert "pretrain=" not in driver and "2_pretrain" not in driver

    # The dataset chain keeps its pretraining job and its D<id> names.
    dataset_chain = S.plan_slurm_chain(
        preflight(demo.workspace, 1, 2, demo.options(trial_epochs=4, trial_iterations=3),
                  check_device_present=False).context, S.SlurmProfile(gpus=0), ["0"])
    assert [(j.role, j.name) for j in dataset_chain.jobs] == [
        ("prepare", "nnft-prepare-D001-D002"), ("pretrain", "nnft-pretrain-D001"),
        ("finetune", "nnft-finetune-D002")]


def test_cluster_preflight_and_skip_done_plan_of_a_model_chain(demo, plans_factory, tmp_path):
    """``nnft submit``'s path: the cluster preflight sizes the workers from the fine-tuning
    dataset alone, and a plan that leaves out what is done never asks for a pretraining."""
    model = _write_model(tmp_path / "models", demo, plans_factory)
    options = demo.options(pretrained_model=str(model), **QUICK)
    checked, folds = S.cluster_preflight(demo.workspace, None, "2", options,
                                         S.SlurmProfile(gpus=0, cpus_per_task=2), "0-1")
    assert folds == ("0", "1")
    assert checked.context is not None and checked.context.from_model, \
        [str(p) for p in checked.problems]
    assert checked.context.options.preprocessing_workers >= 1
    chain = S.plan_slurm_chain(checked.context, S.SlurmProfile(gpus=0), folds, skip_done=True)
    assert [j.role for j in chain.jobs] == ["prepare", "finetune"]
    assert chain.job("prepare").steps == MODEL_PREPARE_KEYS


def test_exported_bash_of_a_model_chain_says_where_plans_and_weights_come_from(
        demo, plans_factory, tmp_path):
    model = _write_model(tmp_path / "models", demo, plans_factory)
    ctx = _model_ctx(demo, model, baseline=True)
    script = export_bash(ctx, build_chain(ctx, fresh=True))
    _bash_syntax_ok(script)
    lines = script.splitlines()
    assert lines[1] == (f"# nnFT: fine-tune on Dataset002_DemoFinetune (2d) from the model "
                        f"{MODEL_DATASET} (nnUNetTrainer, nnUNetPlans, 2d, fold all), and train "
                        "Dataset002_DemoFinetune from scratch as a baseline.")
    assert lines[2] == f"# The model: {model}"
    assert lines[3].startswith("# Plans and weights flow from the model: its plans go to "
                               "Dataset002_DemoFinetune as 'MyPlans'")
    numbered = [line for line in lines if re.match(r"# \d\. ", line)]
    assert [line.split(" ", 2)[1] for line in numbered] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert numbered[4] == ("# 5. Fine-tune on Dataset002_DemoFinetune (fold 0) from the "
                           "model's weights")
    assert "Pretrain" not in script and "-s FINETUNE -t PRETRAIN" not in script


def _claim_cuda(source: Path, target: Path) -> Path:
    """A copy of a torch checkpoint whose tensors say they were saved on 'cuda:0'."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("/data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            zout.writestr(info.filename, data)
    return target


@pytest.mark.parametrize("saved_on", ["cpu", "cuda"])
def test_exported_script_copies_a_gpu_saved_model_to_the_cpu(demo, plans_factory, tmp_path,
                                                              saved_on):
    """A script from scratch imports the model first, so its checkpoint is judged from the
    model folder: saved on a GPU, a CPU fine-tuning loads nnFT's CPU copy (nnU-Net loads
    without map_location)."""
    torch = pytest.importorskip("torch")
    plain = tmp_path / "plain.pth"
    torch.save({"network_weights": {"w": torch.zeros(2)}}, plain)
    if saved_on == "cuda":
        _claim_cuda(plain, tmp_path / "cuda.pth")
        plain = tmp_path / "cuda.pth"
    model = _write_model(tmp_path / "models", demo, plans_factory, plain.read_bytes())
    ctx = _model_ctx(demo, model)
    assert not ctx.pretrained_checkpoint.exists()  # not imported: the script does that
    finetune = next(s for s in build_chain(ctx, fresh=True) if s.key == "finetune")
    if saved_on == "cpu":
        assert finetune.argv[-1] == str(ctx.pretrained_checkpoint)
        assert "cpu-copy" not in finetune.command_line()
        return
    loaded = finetune.argv[finetune.argv.index("-pretrained_weights") + 1]
    assert loaded != str(ctx.pretrained_checkpoint) and "cpu_checkpoints" in loaded
    assert finetune.command_line().startswith(
        f"{sys.executable} -m nnft.core.weights cpu-copy "
        f"{ctx.pretrained_checkpoint} ")


def test_leftover_preprocessed_folder_of_a_model_chain_is_a_problem_not_a_crash(
        demo, plans_factory, tmp_path, expect):
    """The preflight of step 4 (preprocess_finetune) judges the fine-tuning dataset's folder
    (it used to ask for the pretraining dataset, which a model chain has not)."""
    model = _write_model(tmp_path / "models", demo, plans_factory)
    folder = demo.finetune_pre / "MyPlans_2d"
    folder.mkdir(parents=True)
    (folder / "case_000.b2nd").write_bytes(b"someone's data")
    result = preflight(demo.workspace, None, 2, demo.options(pretrained_model=str(model), **QUICK),
                       check_device_present=False, check_weights=False)
    problem = expect(result, P.PREPROCESSED_DATA_EXISTS, P.Severity.ERROR, str(folder))
    assert "step 4" in problem.message and "incomplete" in problem.message


def test_chain_record_of_a_model_chain_names_the_model(demo, plans_factory, tmp_path, capsys):
    """``chain.json`` of a submitted model chain keeps the model (read back by ``nnft jobs``,
    the wizard and the run report, which matches it by the model's imported copy)."""
    from nnft.core.cli_slurm import _print_status
    from nnft.core.report import _same_chain_record
    from nnft.core.slurm.submit import new_chain_record

    model = _write_model(tmp_path / "models", demo, plans_factory)
    ctx = _model_ctx(demo, model)
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=0), ["0"], chain_dir=tmp_path / "c")
    record = new_chain_record(chain)
    (tmp_path / "c").mkdir()
    record.save()
    loaded = S.ChainRecord.load(record.path)
    assert loaded.from_model and loaded.source_model == ctx.model.describe()
    assert loaded.pretrain == ctx.source_name
    assert _same_chain_record(loaded, ctx)
    other = _model_ctx(demo, _write_model(tmp_path / "other", demo, plans_factory))
    assert not _same_chain_record(loaded, other)  # another model, same datasets
    _print_status(S.ChainStatus(loaded, []))
    assert (f"  model {MODEL_DATASET} (nnUNetTrainer, nnUNetPlans, 2d, fold all) -> "
            "Dataset002_DemoFinetune, 2d") in capsys.readouterr().out
