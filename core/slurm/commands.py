"""Slurm's own commands (sbatch, squeue, scontrol, sacct, scancel) as argv lists, never a
shell; the parsing of their answers and of Slurm's time and memory formats; the errors of the
cluster path."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import Problem

ACTIVE_STATES = frozenset({"PENDING", "RUNNING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
                           "RESIZING", "SUSPENDED", "COMPLETING", "CONFIGURING", "STOPPED",
                           "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD", "SPECIAL_EXIT"})
FAILED_STATES = frozenset({"FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                           "BOOT_FAIL", "DEADLINE", "PREEMPTED", "REVOKED"})


#: What Slurm's client tools print when they find no configuration: no slurm.conf (Slurm then
#: looks for a DNS SRV record of a controller), or SLURM_CONF naming a missing or empty file.
NOT_CONFIGURED_SIGNS = ("Could not establish a configuration source", "DNS SRV lookup failed",
                        "cannot stat file", "Unable to process configuration file",
                        "s_p_parse_file")
#: ... and when a configuration names a controller that does not answer.
UNREACHABLE_SIGNS = ("Unable to contact slurm controller", " is DOWN", "Connection refused",
                     "connect failure", "Socket timed out", "Zero Bytes were transmitted")
#: Seconds ``scontrol ping`` may take before the controller counts as unreachable.
PING_TIMEOUT_S = 15.0


def _configuration_text(env: Mapping[str, str] | None) -> str:
    conf = (env if env is not None else os.environ).get("SLURM_CONF")
    if not conf:
        return text("SLURM_CONF is not set")
    if Path(conf).exists():
        return f"SLURM_CONF={conf}"
    return text("SLURM_CONF={conf}, which does not exist", conf=conf)


def no_controller_problem(output: str, env: Mapping[str, str] | None = None,
                          timed_out_after: float | None = None) -> Problem | None:
    """A ``SLURM_NO_CONTROLLER`` problem when a Slurm command's ``output`` (or its silence)
    says that no controller can be reached from here, in plain words with the fix.

    Parameters
    ----------
    output
        What the command printed (stderr and stdout).
    env
        The commands' environment (for ``SLURM_CONF``; default: this process's).
    timed_out_after
        Seconds after which the command was given up, when it did not answer.

    Returns
    -------
    Problem or None
        None when the output shows no such cause (e.g. sbatch refused a partition).
    """
    where = _configuration_text(env)
    lines = [line.strip() for line in output.splitlines() if any(c.isalnum() for c in line)]
    telling = [line for line in lines
               if any(sign in line for sign in NOT_CONFIGURED_SIGNS + UNREACHABLE_SIGNS)]
    said = text(" Slurm said: {output}", output=(telling or lines)[-1]) if lines else ""
    fix_elsewhere = text("or export the chain as a script (Export script… on the Cluster page, "
                         "nnft export --format slurm) and run it on the login node with bash.")
    if timed_out_after is None and any(sign in output for sign in NOT_CONFIGURED_SIGNS) \
            or (timed_out_after is not None and where.endswith("does not exist")):
        return P.error(
            P.SLURM_NO_CONTROLLER,
            text("Slurm's commands are installed on this computer, but Slurm is not "
                 "configured here: they find no cluster to talk to ({where}).{said}",
                 where=where, said=said),
            text("Run nnFT on the cluster's login node, where Slurm is set up; or set "
                 "SLURM_CONF to the cluster's slurm.conf (or install it as "
                 "/etc/slurm/slurm.conf) and start nnFT again; {elsewhere}",
                 elsewhere=fix_elsewhere))
    if timed_out_after is not None or any(sign in output for sign in UNREACHABLE_SIGNS):
        silence = (text(" It did not answer within {seconds:.0f} s.", seconds=timed_out_after)
                   if timed_out_after is not None else "")
        return P.error(
            P.SLURM_NO_CONTROLLER,
            text("Slurm is configured ({where}), but its controller does not answer from this "
                 "computer.{silence}{said}", where=where, silence=silence, said=said),
            text("Check that the controller (slurmctld) runs and that this computer reaches it "
                 "('scontrol ping'); or run nnFT on the cluster's login node; {elsewhere}",
                 elsewhere=fix_elsewhere))
    return None


class SlurmError(RuntimeError):
    """A Slurm command failed; the message says which and why, for the user."""


class SlurmNotFound(SlurmError):
    """Slurm's commands are not installed here (or not on PATH)."""


class SlurmConfigError(ValueError):
    """Options that cannot make a job script; ``problems`` lists what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class SlurmCommands:
    """Runs Slurm's command-line tools as argv lists (no shell) and parses their answers.

    Parameters
    ----------
    env
        Environment of the commands (default: this process's; ``SLURM_CONF`` etc. pass on).
    timeout_s
        Per command; a controller that does not answer gives a :class:`SlurmError`.
    """

    env: Mapping[str, str] | None = None
    timeout_s: float = 60.0

    def which(self, name: str) -> str | None:
        """The path of Slurm command ``name`` on the PATH of :attr:`env`, or None."""
        path = (self.env or os.environ).get("PATH")
        return shutil.which(name, path=path)

    def available(self) -> bool:
        """True when ``sbatch`` is on PATH."""
        return self.which("sbatch") is not None

    def controller_problem(self, timeout_s: float = PING_TIMEOUT_S) -> Problem | None:
        """Can a Slurm controller be reached from here? Asks ``scontrol ping`` (seconds: call
        it off the GUI thread).

        Returns
        -------
        Problem or None
            ``SLURM_NO_CONTROLLER`` when Slurm is not configured here or its controller does
            not answer; None when it answers, or when ``scontrol`` is not installed (that is
            :meth:`available`'s and :meth:`missing_message`'s case).
        """
        conf = (self.env if self.env is not None else os.environ).get("SLURM_CONF")
        if conf and not Path(conf).exists():
            # Slurm would retry reading it for a minute before giving up.
            return no_controller_problem("", self.env, timed_out_after=0.0)
        exe = self.which("scontrol")
        if exe is None:
            return None
        try:
            result = subprocess.run([exe, "ping"], capture_output=True, text=True,
                                    timeout=timeout_s, check=False,
                                    env=None if self.env is None else dict(self.env))
        except subprocess.TimeoutExpired:
            return no_controller_problem("", self.env, timed_out_after=timeout_s)
        except OSError:
            return None  # not runnable: the commands' own errors say more
        if result.returncode == 0:
            return None
        output = f"{result.stderr}\n{result.stdout}"
        return no_controller_problem(output, self.env) or P.error(
            P.SLURM_NO_CONTROLLER,
            text("'scontrol ping' failed (exit status {status}): {output}",
                 status=result.returncode,
                 output=" ".join(output.split())[-300:] or text("no output")),
            text("Run nnFT on the cluster's login node, or check Slurm's configuration with "
                 "'scontrol ping'."))

    def missing_message(self, name: str = "sbatch") -> str:
        """What to tell a user on a machine without Slurm's ``name``, and what to do."""
        return text("Slurm's '{name}' was not found on PATH, so nothing can be submitted or "
                    "queried from this machine. Run nnft on the cluster's login node (where "
                    "sbatch works), load Slurm first (e.g. 'module load slurm'), or use 'nnft "
                    "export --format slurm' and submit the script there.", name=name)

    def run(self, argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess:
        """Run one command; :class:`SlurmNotFound` when it is not installed, :class:`SlurmError`
        when it cannot start, does not answer, or (with ``check``) fails."""
        exe = self.which(argv[0])
        if exe is None:
            raise SlurmNotFound(self.missing_message(argv[0]))
        try:
            result = subprocess.run([exe, *argv[1:]], capture_output=True, text=True,
                                    timeout=self.timeout_s, check=False,
                                    env=None if self.env is None else dict(self.env))
        except subprocess.TimeoutExpired as exc:
            raise SlurmError(f"'{shlex.join(argv)}' did not answer within {self.timeout_s:.0f} "
                             "s: is the Slurm controller reachable?") from exc
        except OSError as exc:
            raise SlurmError(f"'{shlex.join(argv)}' could not be started: {exc}") from exc
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
            raise SlurmError(f"'{shlex.join(argv)}' failed: {detail}")
        return result

    # -- submitting and cancelling -----------------------------------------------------------
    def sbatch(self, script: Path, *, dependency: str | None = None,
               extra: Sequence[str] = ()) -> str:
        """Submit one script; returns its job id."""
        argv = sbatch_argv(script, dependency=dependency, extra=extra)
        out = self.run(argv).stdout.strip()
        # --parsable prints "<id>" or "<id>;<cluster>"
        job_id = out.splitlines()[-1].split(";")[0].strip() if out else ""
        if not job_id.isdigit():
            raise SlurmError(f"sbatch gave no job id for {script}: {out!r}")
        return job_id

    def scancel(self, job_ids: Sequence[str], *, signal: str | None = None,
                batch_only: bool = False) -> None:
        """``scancel [--signal=SIG] [--batch] JOB...``; :class:`SlurmError` when refused."""
        argv = ["scancel"]
        if signal:
            argv.append(f"--signal={signal}")
        if batch_only:
            argv.append("--batch")
        self.run(argv + [str(j) for j in job_ids])

    # -- asking for states -------------------------------------------------------------------
    def squeue(self, job_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Live jobs among ``job_ids`` (array tasks one per line): key ``"12"`` or ``"12_3"``."""
        if not job_ids:
            return {}
        result = self.run(["squeue", "--noheader", "--array", "--states=all",
                           "--format=%i|%T|%r", f"--jobs={','.join(job_ids)}"], check=False)
        found: dict[str, dict[str, str]] = {}
        for line in result.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) >= 3 and parts[0]:
                found[parts[0]] = {"state": parts[1], "reason": parts[2], "source": "squeue"}
        return found

    def scontrol_show_job(self, job_id: str) -> dict[str, dict[str, str]]:
        """What the controller still knows about a job (running, pending, or finished less
        than ``MinJobAge`` ago); array tasks are split into ``"<array id>_<task>"`` keys."""
        result = self.run(["scontrol", "--oneliner", "show", "job", str(job_id)], check=False)
        if result.returncode != 0:
            return {}
        found: dict[str, dict[str, str]] = {}
        for line in result.stdout.splitlines():
            fields_ = _scontrol_fields(line)
            if "JobId" not in fields_:
                continue
            info = {"state": fields_.get("JobState", "UNKNOWN"),
                    "reason": fields_.get("Reason", ""),
                    "restarts": fields_.get("Restarts", ""),
                    "exit_code": fields_.get("ExitCode", ""),
                    "source": "scontrol"}
            array_id, task = fields_.get("ArrayJobId"), fields_.get("ArrayTaskId")
            if array_id and task:
                for t in _expand_task_ids(task):
                    found[f"{array_id}_{t}"] = dict(info)
            else:
                found[fields_["JobId"]] = info
        return found

    def sacct(self, job_ids: Sequence[str], *, completion_log: bool = False
              ) -> dict[str, dict[str, str]] | None:
        """Finished jobs from accounting (``sacct``) or, with ``completion_log``, from the job
        completion log (``sacct -c``, e.g. ``JobCompType=jobcomp/filetxt``). None when that
        source is not available here (accounting storage off, no completion log)."""
        if not job_ids:
            return {}
        argv = ["sacct"] + (["-c"] if completion_log else ["-X"]) + [
            "--noheader", "--parsable2", "--format=JobID,State,ExitCode",
            f"--jobs={','.join(job_ids)}"]
        try:
            result = self.run(argv, check=False)
        except SlurmNotFound:
            return None
        if result.returncode != 0 or "disabled" in result.stderr.lower():
            return None
        found: dict[str, dict[str, str]] = {}
        source = "sacct -c" if completion_log else "sacct"
        for line in result.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) < 2 or not parts[0] or "." in parts[0]:
                continue  # steps (12.batch) are not jobs
            # The last record wins: a requeued job is logged once per run.
            found[parts[0]] = {"state": parts[1].split()[0] if parts[1] else "UNKNOWN",
                               "exit_code": parts[2] if len(parts) > 2 else "",
                               "source": source}
        return found


def sbatch_argv(script: Path, *, dependency: str | None = None,
                extra: Sequence[str] = ()) -> list[str]:
    """``sbatch --parsable [--dependency=...] SCRIPT``: what :meth:`SlurmCommands.sbatch` runs."""
    argv = ["sbatch", "--parsable"]
    if dependency:
        argv.append(f"--dependency={dependency}")
    return argv + list(extra) + [str(script)]


_SCONTROL_KEY_RE = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=")


def _scontrol_fields(line: str) -> dict[str, str]:
    """``Key=Value Key=Value ...`` of ``scontrol -o show job`` (values may hold spaces)."""
    matches = list(_SCONTROL_KEY_RE.finditer(line))
    fields_: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        fields_.setdefault(match.group(1), line[match.end():end].strip())
    return fields_


def _expand_task_ids(text: str) -> list[str]:
    """``0-4%2`` / ``1,3`` / ``[0-4]`` → task ids."""
    text = text.strip().strip("[]").split("%")[0]
    ids: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+-\d+", part):
            first, last = (int(x) for x in part.split("-"))
            ids += [str(i) for i in range(first, last + 1)]
        elif part.isdigit():
            ids.append(part)
    return ids


_TIME_RE = re.compile(
    r"^(?:(?P<days>\d+)-(?P<dh>\d+)(?::(?P<dm>\d+)(?::(?P<ds>\d+))?)?"
    r"|(?P<h>\d+):(?P<m>\d+):(?P<s>\d+)|(?P<mm>\d+):(?P<ss>\d+)|(?P<minutes>\d+))$")
_MEM_RE = re.compile(r"^\d+[KMGT]?$", re.IGNORECASE)


def parse_time_limit(text: str) -> int | None:
    """Slurm's time formats (``MM``, ``MM:SS``, ``HH:MM:SS``, ``D-HH[:MM[:SS]]``) → seconds;
    None for ``UNLIMITED``/``INFINITE``. Raises ValueError for anything else."""
    text = text.strip()
    if text.upper() in ("UNLIMITED", "INFINITE"):
        return None
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a Slurm time limit")
    g = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if "days" in g:
        return ((g["days"] * 24 + g["dh"]) * 60 + g.get("dm", 0)) * 60 + g.get("ds", 0)
    if "h" in g:
        return (g["h"] * 60 + g["m"]) * 60 + g["s"]
    if "mm" in g:
        return g["mm"] * 60 + g["ss"]
    return g["minutes"] * 60


def parse_memory_mb(text: str) -> int:
    """``32G`` / ``32000M`` / ``32000`` (MB, Slurm's default unit) → MB."""
    text = text.strip().upper()
    if not _MEM_RE.match(text):
        raise ValueError(f"'{text}' is not a Slurm memory size")
    factor = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}.get(text[-1], 1)
    number = int(text[:-1] if text[-1] in "KMGT" else text)
    return int(number * factor)
