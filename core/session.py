"""The user's choices and the chain's progress, saved as JSON so a run can be resumed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from .safety import atomic_write_text

SESSION_VERSION = 1


@dataclass
class Session:
    """What the wizard or ``nnft run`` chose, and what each step reached.

    Unknown keys in a saved file are ignored and missing ones take defaults, so files from
    older or newer nnFT versions still load.
    """

    workspace_root: str | None = None
    raw: str | None = None
    preprocessed: str | None = None
    results: str | None = None
    pretrain: str | None = None
    finetune: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    step_status: dict[str, str] = field(default_factory=dict)
    #: Why a step did not finish (e.g. "was killed by SIGKILL ..."), and its log with the output.
    step_message: dict[str, str] = field(default_factory=dict)
    step_log: dict[str, str] = field(default_factory=dict)
    updated: str = ""
    version: int = SESSION_VERSION

    def save(self, path: Path) -> None:
        """Write atomically (a crash never leaves half a session file)."""
        self.updated = datetime.now().isoformat(timespec="seconds")
        atomic_write_text(path, json.dumps(asdict(self), indent=2, sort_keys=True))

    @classmethod
    def load(cls, path: Path) -> Session | None:
        """The saved session, or None when there is none or it cannot be read."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return None
