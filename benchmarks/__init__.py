"""nnFT's benchmarks: ``make bench`` (``python -m benchmarks.run``).

Each row runs nnFT and an anchor (what a user would otherwise run: nnU-Net's own command, a bare
Qt window) side by side in the same run, on data generated here. Not part of ``make test``:
pytest collects ``tests/`` only.
"""
