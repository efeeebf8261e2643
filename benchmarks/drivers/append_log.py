"""Stand-in for a running nnU-Net training: append one epoch of log lines to LOG every
INTERVAL seconds, starting at epoch START, until killed (or EPOCHS epochs were written).

Usage: append_log.py LOG START EPOCHS INTERVAL EXTRA_LINES_PER_EPOCH
"""

import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root
    from benchmarks.data import LogWriter

    log, start, epochs, interval, extra = sys.argv[1:6]
    writer = LogWriter(extra_lines_per_epoch=int(extra), seed=int(start))
    for epoch in range(int(start), int(start) + int(epochs)):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(writer.epoch(epoch))
        time.sleep(float(interval))
