"""Pretrained weights: read checkpoints safely, and check that they fit before any GPU time.

nnU-Net finds out that ``-pretrained_weights`` do not fit only after the fine-tuning trainer has
started, with an ``AssertionError`` naming one key (and printing a whole tensor). Its loader also
unpickles the checkpoint with ``weights_only=False`` (a checkpoint can run any code) and passes no
``map_location`` (a checkpoint saved on a GPU cannot be loaded on a CPU-only machine).

Here:

* :func:`load_checkpoint_safely` reads a checkpoint with torch's restricted unpickler, allowing
  only the few globals an nnU-Net checkpoint contains (:data:`ALLOWED_GLOBAL_NAMES`). Anything
  else is reported, never executed.
* :func:`expected_network_state` builds the network the fine-tuning run will build, with
  nnU-Net's own code (plans → ``get_network_from_plans``), on torch's ``meta`` device: names and
  shapes, no memory, no initialisation.
* :func:`compare_weights` applies nnU-Net's rule (``load_pretrained_weights``): every key of the
  network except ``.seg_layers.`` must be in the checkpoint with the same shape; extra checkpoint
  keys are ignored. :func:`explain` turns a mismatch into its cause in plain words.
* :func:`needs_cpu_copy` / :func:`make_cpu_copy`: a GPU-saved checkpoint is re-saved with its
  tensors on the CPU, for fine-tuning on a machine without CUDA.

torch and nnU-Net are imported inside the functions: importing this package costs nothing, so
the preflight stays fast when there is no checkpoint to check, and the wizard starts without
torch.

The package, each module importing only from those before it:

``read``      safe reading (weights-only unpickler + allowlist), the globals of a pickle
``network``   the fine-tuning network: described from plans or a checkpoint, built on ``meta``
``compare``   nnU-Net's loading rule, the causes of a misfit, the cached check of a chain
``cpu_copy``  the devices a checkpoint was saved from, CPU copies of GPU-saved checkpoints
``__main__``  ``python -m nnft.core.weights cpu-copy CHECKPOINT TARGET_DIR``

Everything public is re-exported here: ``from nnft.core import weights as W``.
"""

from __future__ import annotations

from .compare import (
    SKIP_STRING,
    Shape,
    WeightsReport,
    check_weights,
    check_weights_against,
    compare_weights,
    explain,
)
from .cpu_copy import (
    cpu_copy_dir,
    make_cpu_copy,
    needs_cpu_copy,
    storage_locations,
)
from .network import (
    NetworkDescription,
    describe_checkpoint,
    describe_plans,
    expected_network_state,
    network_inputs,
)
from .read import (
    ALLOWED_GLOBAL_NAMES,
    WeightsError,
    load_checkpoint_safely,
    pickle_globals,
)

# A private helper, outside __all__, that tests/core/test_weights.py uses.
from .read import _allowed_globals as _allowed_globals

__all__ = [
    "ALLOWED_GLOBAL_NAMES",
    "WeightsError",
    "pickle_globals",
    "load_checkpoint_safely",
    "NetworkDescription",
    "network_inputs",
    "describe_plans",
    "describe_checkpoint",
    "expected_network_state",
    "SKIP_STRING",
    "Shape",
    "WeightsReport",
    "compare_weights",
    "explain",
    "check_weights_against",
    "check_weights",
    "storage_locations",
    "needs_cpu_copy",
    "cpu_copy_dir",
    "make_cpu_copy",
]
