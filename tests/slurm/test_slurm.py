"""The chain as SLURM jobs, on a real single-node Slurm (tests/slurm/conftest.py).

Fast tests first (script text, refusals, profiles, no Slurm on PATH), then the cluster: cancel a
chain, and one quick-trial chain that is submitted for real, whose pretraining is signalled like
at a time limit (``scancel --signal=USR1 --batch``), checkpoints, requeues itself and finishes
with ``--c``, and whose fine-tuning array (folds 0 and 1) starts from its weights.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnft.core import slurm as S
from nnft.core.checks import preflight
from nnft.core.cli_slurm import add_slurm_options, cmd_export_slurm
from nnft.core.demo import write_demo_workspace
from nnft.core.steps import RunOptions, finetune_argv, is_finetuned_from, pretrain_argv
from nnft.core.training_history import find_training_logs, parse_fold_dir
from nnft.core.training_log import parse_log_file
from nnft.core.workspace import Workspace

from .conftest import nnft, wait_until

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name != "posix", reason="Slurm runs on Linux only")]

# 2 CPUs per job: one job at a time on the 2-core test node. nnU-Net trains on the CPU with as
# many torch threads as the machine has cores, so two jobs side by side would thrash.
PROFILE_ARGS = ["--partition", "debug", "--gpus", "0", "--cpus", "2", "--mem", "500M",
                "--time", "00:30:00"]
EPOCHS = 6
TRIAL_ARGS = ["--config", "2d", "--device", "cpu", "--no-final-validation", "--iterations", "2"]


def _ctx(root: Path, **options):
    base = dict(configuration="2d", device="cuda", fold="0")
    base.update(options)
    result = preflight(Workspace.from_root(root), "1", "2", RunOptions(**base),
                       check_device_present=False)
    assert result.ok, [str(p) for p in result.problems]
    return result.context


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory) -> Path:
    return write_demo_workspace(tmp_path_factory.mktemp("slurm_demo") / "ws").root


def _env_without(*variables: str) -> dict:
    env = dict(os.environ)
    for variable in variables:
        env.pop(variable, None)
    return env


# -- the scripts --------------------------------------------------------------------------------
def _job_scripts(export: str) -> dict[str, str]:
    """The job scripts inside an exported file (here-documents)."""
    scripts, current, name = {}, None, None
    for line in export.splitlines():
        if current is None and line.startswith('cat > "$CHAIN_DIR/'):
            name = line.split("/", 1)[1].split('"', 1)[0]
            current = []
        elif current is not None and line == S._END_OF_SCRIPT:
            scripts[name] = "\n".join(current) + "\n"
            current = None
        elif current is not None:
            current.append(line)
    return scripts


def test_exported_script_has_the_exact_commands_dependencies_array_and_requeue(demo_root):
    ctx = _ctx(demo_root, trainer="nnFTTrainer")
    profile = S.SlurmProfile(name="gpu", partition="gpu", account="lab", gpus=1,
                             cpus_per_task=8, mem="32G", time_limit="1-00:00:00",
                             extra_sbatch=["#SBATCH --qos=long"],
                             setup=["module load cuda/12", "source /opt/venv/bin/activate"])
    text = S.export_slurm_text(ctx, profile, S.parse_folds("0-4"), chain_id="CHAIN")
    check = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    scripts = _job_scripts(text)
    assert sorted(scripts) == ["1_prepare.sbatch", "2_pretrain.sbatch", "3_finetune.sbatch"]
    for name, script in scripts.items():
        check = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stderr)
        assert script.startswith("#!/bin/bash\n#SBATCH --job-name=nnft-")
        assert "#SBATCH --partition=gpu" in script and "#SBATCH --account=lab" in script
        assert "#SBATCH --qos=long" in script
        assert "module load cuda/12\nsource /opt/venv/bin/activate\n" in script
        assert f"export nnUNet_results={shlex.quote(str(ctx.workspace.results))}" in script
        assert "export nnUNet_extTrainer=" in script
    prepare, pretrain, finetune = (scripts[n] for n in sorted(scripts))

    # Preparation: steps 1-5, exactly as `nnft run` builds them, on the CPU.
    from nnft.core.steps import build_chain

    for step in build_chain(ctx, fresh=True)[:5]:
        assert step.command_line() in prepare
    assert "nnUNetv2_move_plans_between_datasets -s 2 -t 1 -sp nnUNetPlans" in prepare
    assert "\ncp " in prepare and "--gres" not in prepare and "--signal" not in prepare

    # Pretraining: fold all, first start or --c decided at run time, signal + requeue.
    assert "#SBATCH --gres=gpu:1" in pretrain and "#SBATCH --time=1-00:00:00" in pretrain
    assert "#SBATCH --signal=B:USR1@300\n" in pretrain and "#SBATCH --requeue\n" in pretrain
    assert f"TRAIN=({shlex.join(pretrain_argv(ctx, resume=False))})" in pretrain
    assert f"TRAIN=({shlex.join(pretrain_argv(ctx, resume=True))})" in pretrain
    assert "trap forward_stop USR1" in pretrain and 'kill -USR1 "$child"' in pretrain
    assert 'scontrol requeue "${SLURM_JOB_ID}"' in pretrain

    # Fine-tuning: a job array over folds 0-4, -pretrained_weights first, --c when resuming.
    assert "#SBATCH --array=0-4\n" in finetune and "%x-%A_%a.out" in finetune
    assert "FOLDS=(0 1 2 3 4)" in finetune
    first = finetune_argv(dataclasses.replace(
        ctx, options=dataclasses.replace(ctx.options, fold="X")), resume=False)
    expected = shlex.join(first).replace(" X ", ' "${FOLD}" ')
    assert f"TRAIN=({expected})" in finetune
    commands = [line for line in finetune.splitlines() if "TRAIN=(" in line]
    assert len(commands) == 3  # first start, --c, and --val for a trained but unvalidated fold
    assert sum(line.endswith(" --c)") for line in commands) == 1
    assert sum(line.endswith(" --val)") for line in commands) == 1
    # An array task's hook (and everything else) uses its fold only after it is set (set -u).
    assert finetune.index('FOLD="${FOLDS[$SLURM_ARRAY_TASK_ID]}"') < finetune.index('"${FOLD}"')
    assert not any("--c" in line and "-pretrained_weights" in line for line in commands)
    # The driver submits each job after the one before.
    assert 'pretrain=$(sbatch --parsable --dependency=afterok:$prepare' in text
    assert 'finetune=$(sbatch --parsable --dependency=afterok:$pretrain' in text


def _export_args(*argv: str) -> argparse.Namespace:
    """``nnft export`` parsed as core/cli.py parses it once ``--format slurm`` is wired."""
    from nnft.core import cli

    parser = argparse.ArgumentParser(prog="nnft")
    sub = parser.add_subparsers(dest="command")
    export = sub.add_parser("export")
    cli._add_choice(export)
    export.add_argument("--format", choices=["bash", "slurm"], default="bash")
    export.add_argument("--output")
    add_slurm_options(export)
    return parser.parse_args(["export", *argv])


def test_export_format_slurm_writes_a_runnable_driver(demo_root, tmp_path, capsys):
    out = tmp_path / "chain.sh"
    args = _export_args("--workspace", str(demo_root), "--pretrain", "1", "--finetune", "2",
                        "--config", "2d", "--trainer", "nnFTTrainer", "--format", "slurm",
                        "--folds", "0-4", "--partition", "gpu", "--output", str(out))
    assert cmd_export_slurm(args) == 0
    text = out.read_text()
    assert subprocess.run(["bash", "-n", str(out)]).returncode == 0
    assert "#SBATCH --array=0-4" in text and "#SBATCH --gres=gpu:1" in text
    assert "-device cuda" in text  # the GPUs are on the compute nodes, not here
    assert "Wrote" in capsys.readouterr().err
    # The nnU-Net default trainer works, with a warning: it cannot stop at the time limit.
    args = _export_args("--workspace", str(demo_root), "--pretrain", "1", "--finetune", "2",
                        "--config", "2d", "--format", "slurm")
    assert cmd_export_slurm(args) == 0
    captured = capsys.readouterr()
    assert "WARNING [SLURM_NO_GRACEFUL_STOP]" in captured.err
    assert "#SBATCH --signal" not in captured.out


def test_nnft_export_format_slurm_is_wired(demo_root):
    from nnft.core import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    fmt = next(a for a in sub.choices["export"]._actions if a.dest == "format")
    if "slurm" not in fmt.choices:
        pytest.skip("core/cli.py does not offer 'export --format slurm' yet")
    result = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "export", "--workspace", str(demo_root),
         "--pretrain", "1", "--finetune", "2", "--config", "2d", "--format", "slurm",
         "--trainer", "nnFTTrainer"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "#SBATCH --signal=B:USR1@300" in result.stdout
    assert {"submit", "jobs"} <= set(sub.choices)


def test_plain_nnunet_trainer_gets_no_signal_and_a_warning(demo_root):
    ctx = _ctx(demo_root, trainer="nnUNetTrainer")
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(), ["0"], chain_id="C")
    assert [p.code for p in chain.problems] == [S.SLURM_NO_GRACEFUL_STOP]
    script = chain.job("pretrain").text
    assert "--signal" not in script and "trap" not in script
    assert "No graceful stop: nnUNetTrainer has no signal handling" in script
    assert "#SBATCH --array" not in chain.job("finetune").text  # one fold: no array


def test_num_gpus_above_the_gpus_requested_is_refused(demo_root):
    ctx = _ctx(demo_root, trainer="nnFTTrainer")
    with pytest.raises(S.SlurmConfigError) as info:
        S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=2, num_gpus=4), ["0"])
    assert "-num_gpus 4" in str(info.value) and "request 2 GPU" in str(info.value)
    # Allowed: passed to nnUNetv2_train (DDP), without the graceful stop (not DDP-safe).
    chain = S.plan_slurm_chain(ctx, S.SlurmProfile(gpus=2, num_gpus=2), ["0"])
    assert "-device cuda -num_gpus 2)" in chain.job("pretrain").text
    assert "#SBATCH --gres=gpu:2" in chain.job("pretrain").text
    assert "--signal" not in chain.job("pretrain").text
    assert S.SLURM_NO_GRACEFUL_STOP in [p.code for p in chain.problems]

    result = nnft("submit", "--workspace", str(demo_root), "--pretrain", "1", "--finetune", "2",
                  "--config", "2d", "--device", "cuda", "--gpus", "1", "--num-gpus", "2",
                  "--dry-run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "-num_gpus 2 asks nnU-Net to train on 2 GPUs, but the jobs request 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_slurm_is_a_clear_message_not_a_traceback(demo_root, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    env = dict(os.environ, PATH=str(bare))
    result = nnft("submit", "--workspace", str(demo_root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, *PROFILE_ARGS, env=env)
    assert result.returncode == 1
    assert "[SLURM_NOT_AVAILABLE] Slurm's 'sbatch' was not found on PATH" in result.stderr
    assert "Traceback" not in result.stderr
    assert not S.slurm_folder(Workspace.from_root(demo_root)).exists()  # nothing written

    # A dry run needs no Slurm: it shows the scripts and the sbatch commands, writes nothing.
    result = nnft("submit", "--workspace", str(demo_root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, *PROFILE_ARGS, "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "$ sbatch --parsable --dependency=afterok:<prepare job>" in result.stdout
    assert "Dry run: nothing was written or submitted." in result.stdout
    assert not S.slurm_folder(Workspace.from_root(demo_root)).exists()

    commands = S.SlurmCommands(env={"PATH": str(bare)})
    assert not commands.available()
    with pytest.raises(S.SlurmNotFound):
        commands.squeue(["1"])


def test_refused_first_job_leaves_nothing_behind(demo_root, tmp_path):
    """Slurm's own sbatch, but no controller to talk to: the chain is refused with Slurm's
    message, and the scripts written for it are taken back."""
    if not shutil.which("sbatch"):
        pytest.skip("Slurm's sbatch is not installed")
    # No SLURM_CONF (and no /etc/slurm/slurm.conf): sbatch fails at once looking for one.
    no_cluster = S.SlurmCommands(env=_env_without("SLURM_CONF"), timeout_s=30)
    chain = S.plan_slurm_chain(_ctx(demo_root, device="cpu"), S.SlurmProfile(gpus=0),
                               chain_dir=tmp_path / "chain")
    with pytest.raises(S.SlurmError, match="sbatch --parsable .*1_prepare.sbatch'"):
        S.submit_chain(chain, no_cluster)
    assert not (tmp_path / "chain").exists()


def test_profiles_are_saved_per_user_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("NNFT_CONFIG_DIR", str(tmp_path / "cfg"))
    assert S.default_profiles_path() == tmp_path / "cfg" / "slurm_profiles.json"
    assert S.load_profiles() == {}
    profile = S.SlurmProfile(name="hpc", partition="gpu-a100", gpus=4, num_gpus=4,
                             time_limit="2-00:00:00", setup=["module load cuda"])
    S.save_profile(profile)
    assert S.load_profiles() == {"hpc": profile}
    assert S.get_profile("hpc").gpus == 4
    with pytest.raises(KeyError, match="no cluster profile 'gone'"):
        S.get_profile("gone")
    assert S.delete_profile("hpc") and S.load_profiles() == {}

    bad = S.SlurmProfile(name="x", partition="a b", mem="lots", time_limit="soon",
                         extra_sbatch=["qos=long"], signal_seconds_before_end=99999)
    messages = " ".join(p.message for p in bad.problems())
    for part in ("Partition 'a b'", "Memory 'lots'", "Time limit 'soon'",
                 "Extra #SBATCH line 'qos=long'", "0-65535 s"):
        assert part in messages
    with pytest.raises(S.SlurmConfigError):
        S.save_profile(bad)
    S.default_profiles_path().write_text("{not json")
    with pytest.raises(ValueError, match="damaged"):
        S.load_profiles()


def test_job_logs_are_read_from_their_end(tmp_path):
    """Polling reads only the end of a job log; the last nnFT marker still decides the state."""
    log = tmp_path / "job.out"
    log.write_text("nnFT: pretrain job 7 started\n" + "epoch line\n" * 200 + "nnFT: finished\n")
    assert S.read_log_tail(log, 2) == ["epoch line", "nnFT: finished"]
    window = S.read_log_tail(log, max_bytes=25)
    assert window == ["nnFT: finished"]  # the line cut by the window is dropped
    assert S._last_log_marker(log) == "finished"
    assert S.read_log_tail(tmp_path / "missing.out", 5) == []


def test_folds_and_time_limits_parse_like_slurm():
    assert S.parse_folds("0-4") == ("0", "1", "2", "3", "4")
    assert S.parse_folds("0,3") == ("0", "3") and S.parse_folds("all") == ("all",)
    for wrong in ("5", "0,0", "", "x"):
        with pytest.raises(ValueError):
            S.parse_folds(wrong)
    assert S.parse_time_limit("90") == 5400 and S.parse_time_limit("1-00:00:00") == 86400
    assert S.parse_time_limit("24:00:00") == 86400 and S.parse_time_limit("2-12") == 216000
    assert S.parse_time_limit("UNLIMITED") is None
    assert S._expand_task_ids("[0-2,5%2]") == ["0", "1", "2", "5"]


# -- on the cluster -----------------------------------------------------------------------------
def _processes_mentioning(text: str) -> list[str]:
    """Processes whose command line or environment names ``text`` (a job's nnU-Net commands
    get the workspace through nnUNet_* variables)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
            environ = (proc / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline or f"nnUNet_raw={text}" in environ:
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


def _status(root: Path, chain: str | None = None) -> dict:
    result = nnft("jobs", "--workspace", str(root), "--json", *([chain] if chain else []))
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_cancel_ends_every_job_and_process(slurm_cluster, tmp_path):
    root = write_demo_workspace(tmp_path / "cancel").root
    result = nnft("submit", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--epochs", "50", *PROFILE_ARGS)
    assert result.returncode == 0, result.stdout + result.stderr
    record = S.find_chain(Workspace.from_root(root))
    ids = record.job_ids()
    assert len(ids) == 3
    # Cancel while the preparation runs nnU-Net (its later jobs wait for it).
    wait_until(lambda: _processes_mentioning(str(root)), 120, "the preparation to start")
    states = {t["role"]: t["state"] for t in _status(root)["tasks"]}
    assert states == {"prepare": "RUNNING", "pretrain": "PENDING", "finetune": "PENDING"}
    # A second submission of the same chain while this one runs is refused.
    again = nnft("submit", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                 *TRIAL_ARGS, "--epochs", "50", *PROFILE_ARGS)
    assert again.returncode == 1, again.stdout + again.stderr
    assert f"[SLURM_CHAIN_ACTIVE] Chain {record.chain_id} still has jobs" in again.stderr
    assert len(S.list_chains(Workspace.from_root(root))) == 1

    result = nnft("jobs", "--workspace", str(root), "--cancel")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"scancel {' '.join(ids)}" in result.stdout
    wait_until(lambda: not any(j.split("_")[0] in ids for j in slurm_cluster.jobs_in_queue()),
               60, "the cancelled jobs to leave the queue")
    wait_until(lambda: not _processes_mentioning(str(root)), 60,
               "the cancelled jobs' processes to end")
    status = _status(root)
    assert status["cancelled"] and not status["active"]
    assert {t["state"] for t in status["tasks"]} == {"CANCELLED"}
    # With accounting storage off, the job completion log (sacct -c) still knows them.
    assert S.SlurmCommands().sacct(ids) is None
    completed = S.SlurmCommands().sacct(ids, completion_log=True)
    assert {completed[i]["state"] for i in ids} == {"CANCELLED"}


@pytest.fixture(scope="module")
def submitted(slurm_cluster, tmp_path_factory):
    """The quick-trial chain with folds 0 and 1 as an array, submitted for real."""
    root = write_demo_workspace(tmp_path_factory.mktemp("cluster chain") / "ws ü").root
    env = _env_without("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results")
    start = time.monotonic()
    result = nnft("submit", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--epochs", str(EPOCHS), "--folds", "0,1", *PROFILE_ARGS, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    record = S.find_chain(Workspace.from_root(root))
    follow_log = open(root.parent / "follow.txt", "w")  # closed below
    follow = subprocess.Popen(
        [sys.executable, "-m", "nnft.core.cli_slurm", "jobs", "--workspace", str(root),
         "--follow", "--interval", "5"], stdout=follow_log, stderr=subprocess.STDOUT,
        text=True)
    follow_log.close()
    yield root, record, result, follow, start
    if follow.poll() is None:
        follow.kill()
        follow.wait()


def test_submit_records_the_chain_with_dependencies(submitted):
    root, record, result, _follow, _start = submitted
    assert f"Submitted chain {record.chain_id}" in result.stdout
    roles = [j.role for j in record.jobs]
    assert roles == ["prepare", "pretrain", "finetune"]
    prepare, pretrain, finetune = record.jobs
    assert prepare.sbatch_argv[:2] == ["sbatch", "--parsable"] and prepare.after is None
    assert f"--dependency=afterok:{prepare.job_id}" in pretrain.sbatch_argv
    assert f"--dependency=afterok:{pretrain.job_id}" in finetune.sbatch_argv
    assert finetune.folds == ["0", "1"] and finetune.is_array
    assert Path(finetune.script).read_text().count("#SBATCH --array=0-1") == 1
    assert record.path.parent == S.slurm_folder(Workspace.from_root(root)) / record.chain_id
    assert json.loads(record.path.read_text())["jobs"][1]["job_id"] == pretrain.job_id


def test_signalled_pretraining_checkpoints_requeues_and_continues(submitted, slurm_cluster):
    root, record, _result, follow, start = submitted
    pretrain = record.job("pretrain")
    fold_all = Path(pretrain.fold_dirs["all"])
    wait_until(lambda: parse_fold_dir(fold_all), 420, "the pretraining's first epoch")
    # What Slurm does before the time limit (--signal=B:USR1@...), now.
    S.signal_job(pretrain.job_id)
    wait_until(lambda: (fold_all / "checkpoint_latest.pth").is_file(), 120,
               "checkpoint_latest.pth after the signal")
    wait_until(lambda: int(slurm_cluster.job_info(pretrain.job_id).get("Restarts", "0")) >= 1,
               60, "the pretraining job to requeue itself", interval=1)

    def chain_over():
        status = S.chain_status(record)
        return status if not status.active else None

    status = wait_until(chain_over, 480, "the chain to finish", interval=5)
    total = time.monotonic() - start
    print(f"\nchain through Slurm ({EPOCHS} epochs, pretraining requeued once, folds 0 and 1): "
          f"{total:.0f} s")
    assert status.done, [(t.slurm_id, t.state, t.source) for t in status.tasks]

    # Checkpoints of the pretraining and of both fine-tuning folds.
    assert (fold_all / "checkpoint_final.pth").is_file()
    ctx_weights = fold_all / "checkpoint_final.pth"
    for fold in ("0", "1"):
        fold_dir = Path(record.job("finetune").fold_dirs[fold])
        assert (fold_dir / "checkpoint_final.pth").is_file()
        assert is_finetuned_from(fold_dir, ctx_weights)
        logs = find_training_logs(fold_dir)
        assert len(logs) == 1 and [e.epoch for e in parse_fold_dir(fold_dir)] == list(range(EPOCHS))

    # The pretraining stopped gracefully, was requeued and continued with --c.
    logs = find_training_logs(fold_all)
    assert len(logs) == 2
    first, second = parse_log_file(logs[0]), parse_log_file(logs[1])
    assert "nnFT: graceful stop requested" in logs[0].read_text()
    stopped = first.epochs[-1].epoch
    assert stopped < EPOCHS - 1 and second.epochs[0].epoch == stopped + 1
    assert [e.epoch for e in parse_fold_dir(fold_all)] == list(range(EPOCHS))
    job_log = Path(record.chain_dir) / f"{pretrain.name}-{pretrain.job_id}.out"
    text = job_log.read_text()
    assert "nnFT: requeued" in text and "(restart 1)" in text
    runs = [line for line in text.splitlines() if line.startswith("nnFT: running:")]
    assert len(runs) == 2 and not runs[0].endswith("--c") and runs[1].endswith(" --c")
    fine_log = (Path(record.chain_dir) / f"{record.job('finetune').name}-"
                f"{record.job('finetune').job_id}_0.out").read_text()
    assert "-pretrained_weights" in fine_log and " --c" not in fine_log

    # What `nnft jobs` shows, and `--follow` ended by itself.
    shown = _status(root)
    assert [t["state"] for t in shown["tasks"]] == ["COMPLETED"] * 4
    pretrain_task = shown["tasks"][1]
    assert pretrain_task["restarts"] == 1 and pretrain_task["epochs_done"] == EPOCHS
    follow.wait(timeout=60)
    out = (root.parent / "follow.txt").read_text()
    assert follow.returncode == 0, out[-3000:]
    assert "RUNNING" in out and f"epoch {EPOCHS}/{EPOCHS}" in out and "COMPLETED" in out

    # Without Slurm's memory of the jobs (ids it never knew): job logs and results answer.
    stale = dataclasses.replace(record, jobs=[
        dataclasses.replace(j, job_id=str(900000 + i)) for i, j in enumerate(record.jobs)])
    status = S.chain_status(stale)
    assert [t.state for t in status.tasks] == ["COMPLETED"] * 4
    assert {t.source for t in status.tasks} == {"results"}
    # Without Slurm's commands (a workstation that sees the shared filesystem): job logs.
    status = S.chain_status(record, S.SlurmCommands(env={"PATH": ""}))
    assert not status.slurm_available and "not available here" in status.notes[0]
    assert [(t.state, t.source) for t in status.tasks] == [("COMPLETED", "job log")] * 4


def test_local_chain_sees_the_cluster_results_as_done(submitted):
    root, record, *_ = submitted
    wait_until(lambda: not S.chain_status(record).active, 600, "the chain to finish", 5)
    result = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "run", "--workspace", str(root), "--pretrain",
         "1", "--finetune", "2", *TRIAL_ARGS, "--epochs", str(EPOCHS), "--fold", "1", "--dry-run"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(to run)" not in result.stdout, result.stdout



# -- the from-scratch baseline on the cluster (issue 11) ----------------------------------------
#: The fine-tuning preset of the baseline chain (the frozen-encoder preset's job is checked by
#: the planner tests, tests/core/test_slurm_presets.py).
BASELINE_CHAIN_PRESET = "gentle"


def test_baseline_chain_on_the_cluster(slurm_cluster, tmp_path):
    """A quick-trial chain submitted with ``--baseline --finetune-preset gentle``: the
    fine-tuning job runs the preset's trainer into the preset's folder; the baseline job waits
    for the preparation only, trains the fine-tuning dataset from scratch under its own trainer
    and folder; ``nnft jobs`` and ``nnft run`` see both results as nnFT's own."""
    root = write_demo_workspace(tmp_path / "baseline").root
    chain_args = ["--pretrain", "1", "--finetune", "2", "--config", "2d", "--device", "cpu",
                  "--no-final-validation", "--epochs", "2", "--iterations", "3", "--baseline",
                  "--finetune-preset", BASELINE_CHAIN_PRESET]
    start = time.monotonic()
    result = nnft("submit", "--workspace", str(root), *chain_args, *PROFILE_ARGS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "From-scratch baseline: trainer nnFTTrainerFromScratchQuickTrial" in result.stdout
    assert ("Fine-tuning preset 'gentle': trainer nnFTTrainerGentleFinetuneQuickTrial"
            in result.stdout)
    record = S.find_chain(Workspace.from_root(root))
    assert [j.role for j in record.jobs] == ["prepare", "pretrain", "finetune", "baseline"]
    prepare, pretrain, finetune, baseline = record.jobs
    # The baseline needs the fine-tuning dataset's preprocessed data, not the pretraining.
    assert baseline.after == "prepare"
    assert f"--dependency=afterok:{prepare.job_id}" in baseline.sbatch_argv
    assert f"--dependency=afterok:{pretrain.job_id}" in finetune.sbatch_argv
    assert baseline.trainer == "nnFTTrainerFromScratchQuickTrial"
    assert finetune.trainer == "nnFTTrainerGentleFinetuneQuickTrial"

    def chain_over():
        status = S.chain_status(record)
        return status if not status.active else None

    status = wait_until(chain_over, 900, "the chain with the baseline to finish", interval=5)
    print(f"\nchain with the baseline through Slurm (2 epochs each): "
          f"{time.monotonic() - start:.0f} s")
    assert status.done, [(t.role, t.slurm_id, t.state, t.source) for t in status.tasks]

    finetune_dir = Path(finetune.fold_dirs["0"])
    baseline_dir = Path(baseline.fold_dirs["0"])
    assert finetune_dir.parent.name == "nnFTTrainerGentleFinetuneQuickTrial__nnUNetPlans__2d"
    assert baseline_dir.parent.name == "nnFTTrainerFromScratchQuickTrial__nnUNetPlans__2d"
    for fold_dir in (finetune_dir, baseline_dir):
        assert (fold_dir / "checkpoint_final.pth").is_file(), fold_dir
        assert [e.epoch for e in parse_fold_dir(fold_dir)] == [0, 1], fold_dir
    assert is_finetuned_from(finetune_dir, Path(pretrain.fold_dirs["all"]) /
                             "checkpoint_final.pth")
    finetune_marker = json.loads((finetune_dir / "nnft_run.json").read_text())
    assert finetune_marker["finetune_preset"] == "gentle"
    assert finetune_marker["trainer"] == "nnFTTrainerGentleFinetuneQuickTrial"
    # The preset really trained: its first epoch's learning rate, as nnU-Net logged it, is the
    # gentle one (1e-3 after a warm-up), not nnU-Net's 1e-2 the pretraining started with.
    pretrain_lr = parse_fold_dir(Path(pretrain.fold_dirs["all"]))[0].learning_rate
    finetune_lr = parse_fold_dir(finetune_dir)[0].learning_rate
    assert pretrain_lr == pytest.approx(0.01) and 0 < finetune_lr <= 0.001
    marker = json.loads((baseline_dir / "nnft_run.json").read_text())
    assert marker["from_scratch"] is True and marker["pretrained_weights"] is None
    assert marker["trainer"] == "nnFTTrainerFromScratchQuickTrial"
    job_log = (Path(record.chain_dir) / f"{baseline.name}-{baseline.job_id}.out").read_text()
    runs = [line for line in job_log.splitlines() if line.startswith("nnFT: running:")]
    assert len(runs) == 1 and "-tr nnFTTrainerFromScratchQuickTrial" in runs[0]
    assert "-pretrained_weights" not in job_log and "nnFT: finished" in job_log

    # `nnft jobs` names the baseline's task; `nnft run` judges its results as its own.
    shown = nnft("jobs", "--workspace", str(root))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "baseline (from scratch), fold 0" in shown.stdout
    assert ("trainers: finetune nnFTTrainerGentleFinetuneQuickTrial, baseline "
            "nnFTTrainerFromScratchQuickTrial") in shown.stdout
    tasks = _status(root)["tasks"]
    assert [(t["role"], t["state"]) for t in tasks] == [
        ("prepare", "COMPLETED"), ("pretrain", "COMPLETED"), ("finetune", "COMPLETED"),
        ("baseline", "COMPLETED")]
    assert tasks[3]["epochs_done"] == 2 and tasks[3]["finished"]
    local = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "run", "--workspace", str(root), *chain_args,
         "--dry-run"], capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "(to run)" not in local.stdout, local.stdout
    assert "Baseline: train Dataset002_DemoFinetune from scratch" in local.stdout

    # A second submission leaves out what is done: with fold 1 added, only fold 1's
    # fine-tuning and baseline are left, and neither waits for anything (the preparation and
    # the pretraining are done). With fold 0 alone everything is done.
    again = nnft("submit", "--workspace", str(root), *chain_args, "--folds", "0,1",
                 *PROFILE_ARGS, "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    submitted = [line for line in again.stdout.splitlines() if line.startswith("$ sbatch")]
    assert [line.rsplit("/", 1)[1] for line in submitted] == ["3_finetune.sbatch",
                                                              "4_baseline.sbatch"]
    assert not any("--dependency" in line for line in submitted)
    fold_dirs = [line for line in again.stdout.splitlines() if line.startswith("FOLD_DIR=")]
    assert len(fold_dirs) == 2 and all(line.rstrip("'").endswith("/fold_1") for line in fold_dirs)
    done = nnft("submit", "--workspace", str(root), *chain_args, *PROFILE_ARGS, "--dry-run")
    assert done.returncode == 0 and "Every step is done already" in done.stdout, done.stdout
    assert f"from-scratch baseline(s) in {baseline_dir.parent}." in done.stdout
