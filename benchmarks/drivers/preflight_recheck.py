"""The row preflight_recheck: the wizard's preflight computed again after an invalidation, with
the header cache as it is then (warm: what the wizard pays) and emptied first (cold: every header
read again, as before core/header_cache.py), in turns.

Usage: preflight_recheck.py WORKSPACE REPEATS   (datasets 1 and 2; prints a JSON line)
"""

import json
import statistics
import sys
import time
from pathlib import Path

from nnft.core.header_cache import HEADER_CACHE, SETTLE_SECONDS
from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace

if __name__ == "__main__":
    root, repeats = Path(sys.argv[1]), int(sys.argv[2])
    # Files written less than SETTLE_SECONDS ago are never kept: let the generated data settle.
    time.sleep(SETTLE_SECONDS)
    state = WizardState(workspace=Workspace.from_root(root), pretrain="1", finetune="2",
                        options=RunOptions(configuration="2d"), check_device=False)
    state.run_preflight()  # imports and the first reads: the same for both sides
    cold, warm = [], []
    for _ in range(max(1, repeats)):
        for side, clear in ((cold, True), (warm, False)):
            if clear:
                HEADER_CACHE.clear()
            state.invalidate()
            start = time.perf_counter()
            state.run_preflight()
            side.append(time.perf_counter() - start)
    print(json.dumps({"warm": statistics.median(warm), "cold": statistics.median(cold),
                      "warm_runs": warm, "cold_runs": cold}))
