"""The three nnU-Net folders, their checks, and the environment a child process gets."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nnft.resources import trainers

from . import problems as P
from .i18n import text
from .problems import Problem

#: The environment variables nnU-Net reads, in the order users meet them.
ROOT_VARIABLES = ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results")

#: Sub folder of nnUNet_results where nnFT keeps its own files (session, step logs, backups).
#: nnU-Net only looks at folders named ``DatasetXXX_*`` there, so this never clashes.
STATE_FOLDER_NAME = "nnFT"


def trainers_folder() -> Path:
    """Folder with nnFT's trainer modules, to be put on ``nnUNet_extTrainer``."""
    return Path(trainers.__file__).resolve().parent


@dataclass(frozen=True)
class Workspace:
    """The nnU-Net folders one run works in.

    Parameters
    ----------
    raw, preprocessed, results
        ``nnUNet_raw``, ``nnUNet_preprocessed`` and ``nnUNet_results``; ``None`` when not set.
    """

    raw: Path | None
    preprocessed: Path | None
    results: Path | None

    @classmethod
    def from_root(cls, root: Path | str) -> Workspace:
        """The usual layout: ``root/nnUNet_raw``, ``root/nnUNet_preprocessed``,
        ``root/nnUNet_results``."""
        root = Path(root).expanduser().absolute()
        return cls(root / "nnUNet_raw", root / "nnUNet_preprocessed", root / "nnUNet_results")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Workspace:
        """The folders named by the ``nnUNet_*`` variables (unset or empty ones become None)."""
        environ = os.environ if environ is None else environ

        def get(name: str) -> Path | None:
            value = environ.get(name, "").strip()
            return Path(value).expanduser().absolute() if value else None

        return cls(get("nnUNet_raw"), get("nnUNet_preprocessed"), get("nnUNet_results"))

    def roots(self) -> dict[str, Path | None]:
        """Variable name → folder."""
        return dict(zip(ROOT_VARIABLES, (self.raw, self.preprocessed, self.results), strict=True))

    def check(self, *, need_writable: bool = True) -> list[Problem]:
        """Problems with the three folders: unset, missing, not a folder, read-only."""
        found: list[Problem] = []
        for variable, folder in self.roots().items():
            if folder is None:
                found.append(P.error(
                    P.ENV_NOT_SET,
                    text("{variable} is not set.", variable=variable),
                    text("Pass --workspace DIR (with DIR/{variable}) or set the environment "
                         "variable {variable} to the folder nnU-Net should use.",
                         variable=variable),
                ))
            elif not folder.is_dir():
                found.append(P.error(
                    P.ENV_FOLDER_MISSING,
                    text("{variable} folder {folder} is a file, not a folder.",
                         variable=variable, folder=folder) if folder.exists() else
                    text("{variable} folder {folder} does not exist.",
                         variable=variable, folder=folder),
                    text("Create it (mkdir -p '{folder}') or point {variable} to the right "
                         "folder.", folder=folder, variable=variable),
                ))
            elif need_writable and variable != "nnUNet_raw" and not os.access(folder, os.W_OK):
                found.append(P.error(
                    P.ENV_FOLDER_NOT_WRITABLE,
                    text("{variable} folder {folder} is not writable, but nnU-Net writes "
                         "there.", variable=variable, folder=folder),
                    text("Choose a folder you can write to, or ask for write permission."),
                ))
        return found

    @property
    def state_dir(self) -> Path:
        """Where nnFT keeps its session, step logs and backups."""
        if self.results is None:
            raise ValueError("nnUNet_results is not set")
        return self.results / STATE_FOLDER_NAME

    def child_environment(
        self,
        base: Mapping[str, str] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """The environment for an nnU-Net child process.

        The three roots, unbuffered Python output (so lines stream while a step runs), and
        nnFT's trainer folder on ``nnUNet_extTrainer`` (kept in front of any folders the user
        already listed there), plus ``extra``.
        """
        env = dict(os.environ if base is None else base)
        for variable, folder in self.roots().items():
            if folder is not None:
                env[variable] = str(folder)
        env["PYTHONUNBUFFERED"] = "1"
        ours = str(trainers_folder())
        existing = [p for p in env.get("nnUNet_extTrainer", "").split(os.pathsep) if p]
        env["nnUNet_extTrainer"] = os.pathsep.join([ours] + [p for p in existing if p != ours])
        # nnU-Net's console scripts live next to this interpreter; put that folder first so a
        # second nnU-Net install elsewhere on PATH is never picked up (nnU-Net #2150).
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
        if extra:
            env.update(extra)
        return env
