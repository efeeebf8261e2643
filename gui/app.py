"""``nnft-wizard``: the desktop wizard (PySide6).

The wizard's pages are the next milestone. Until then this entry point prepares the demo
workspace and says how to run the same chain with the ``nnft`` command line.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nnft-wizard", description="nnFT wizard")
    parser.add_argument("--workspace", metavar="DIR")
    parser.add_argument("--demo", action="store_true",
                        help="create a demo workspace and open it")
    args = parser.parse_args(argv)
    workspace = args.workspace
    if args.demo:
        from nnft.core.demo import write_demo_workspace

        root = Path(tempfile.mkdtemp(prefix="nnft-demo-"))
        demo = write_demo_workspace(root)
        workspace = str(demo.root)
        print(f"Demo workspace: {workspace}")
    print("The nnFT wizard (GUI) is not built yet. Run the same chain with the CLI:")
    print(f"  nnft run --workspace {workspace or 'DIR'} --pretrain 1 --finetune 2 --config 2d "
          "--epochs 2 --iterations 5 --device cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
