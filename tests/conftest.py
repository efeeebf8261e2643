"""Shared test set-up: Qt renders offscreen (no screen in CI)."""

import os
import subprocess

import pytest

# pytest-qt with neither a display nor QT_QPA_PLATFORM aborts the whole run (exit 134).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def processes():
    """Children a test starts; SIGKILLed and reaped at teardown."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.kill()
        process.wait()
