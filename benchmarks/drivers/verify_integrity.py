"""The anchor of the preflight row: nnU-Net's own ``verify_dataset_integrity`` (2 workers) on
each raw dataset folder given, one after the other (it reads every voxel of every file).

Usage: verify_integrity.py FOLDER [FOLDER ...]
"""

import json
import sys
import time

from nnunetv2.experiment_planning.verify_dataset_integrity import verify_dataset_integrity

# The guard is required: the check's worker processes are spawned and re-import this file.
if __name__ == "__main__":
    start = time.perf_counter()
    for folder in sys.argv[1:]:
        verify_dataset_integrity(folder, num_processes=2)
    print(json.dumps({"seconds": time.perf_counter() - start}))
