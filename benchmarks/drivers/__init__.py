"""Child-process scripts of the benchmarks (run as files, each prints one JSON line)."""
