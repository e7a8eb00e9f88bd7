"""bench_train.py's digitnet rows for this tree and another checkout, run in turn (ABAB…), so
that both see the same machine; prints each setting's median and fastest epoch, and the ratio.

    git worktree add /tmp/old aa70fd1
    python bench/compare.py --other /tmp/old [--rounds 4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = ["--skip", "book", "--skip", "book-lean", "--skip", "torch"]


def epochs(tree: Path) -> dict[tuple[int, int], list[float]]:
    """One run of the tree's own bench_train.py: seconds per epoch by (batch size, threads)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, str(tree / "bench" / "bench_train.py"), "--json", "--repeats", "3"]
    out = subprocess.run(
        command + SKIP, env=env, capture_output=True, text=True, check=True, cwd=tree
    ).stdout
    return {(r["batch_size"], r["threads"]): r["runs"] for r in json.loads(out)["rows"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, help="a checkout of the commit to compare with")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    trees = {"other": Path(args.other), "this": ROOT}
    runs: dict[str, dict[tuple[int, int], list[float]]] = {name: {} for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            for key, seconds in epochs(tree).items():
                runs[name].setdefault(key, []).extend(seconds)
    for key in sorted(runs["this"]):
        for how, pick in (("median", statistics.median), ("fastest", min)):
            other, this = pick(runs["other"][key]), pick(runs["this"][key])
            print(
                f"batch {key[0]:>3}, {key[1]} thread(s), {how:>7}: other {other:.3f} s, "
                f"this {this:.3f} s, this/other {this / other:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
