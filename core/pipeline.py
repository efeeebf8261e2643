"""Moved to :mod:`nnft.core.steps` (kept while branches that import it are merged)."""

from .steps import *  # noqa: F403
from .steps import __all__  # noqa: F401
