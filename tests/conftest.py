"""Shared test set-up: Qt renders offscreen (no screen in CI)."""

import os

# pytest-qt with neither a display nor QT_QPA_PLATFORM aborts the whole run (exit 134).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
