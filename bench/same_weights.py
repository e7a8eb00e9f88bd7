"""Does this tree train each preset to the same weights as another commit, bit for bit?

Trains one epoch of every preset on MNIST here, and the same in a checkout of the other commit
(run with its own src/ on the path), and compares the sha256 of the weights (the verdict) and
the history rows (timings left out; a difference there names the columns measured otherwise).
Usage, from the repository root:

    git worktree add /tmp/old aa70fd1
    python bench/same_weights.py --other /tmp/old [--epochs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in either tree: the old train(data, config) or the new fit(data, config).
CHILD = """
import hashlib, json, sys
from dataclasses import replace
from digitnet.data import load_dataset
import digitnet.training as t
epochs = int(sys.argv[1])
data = load_dataset("mnist", progress=False)
run = getattr(t, "fit", None) or t.train
out = {}
for name, preset in t.PRESETS.items():
    result = run(data, replace(preset, epochs=epochs))
    rows = [{k: v for k, v in r.items() if k != "seconds"} for r in result.history]
    out[name] = {
        "weights_sha256": hashlib.sha256(result.network.params.tobytes()).hexdigest(),
        "history": rows,
    }
print(json.dumps(out))
"""


def trained(tree: Path, epochs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(epochs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, help="a checkout of the commit to compare with")
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    ours, theirs = trained(ROOT, args.epochs), trained(Path(args.other), args.epochs)
    same = True
    for name in ours:
        mine, other = ours[name], theirs.get(name, {})
        equal = mine["weights_sha256"] == other.get("weights_sha256")
        same &= equal
        print(
            f"{name:8} {'same' if equal else 'DIFFERENT'}: weights sha256 "
            f"{mine['weights_sha256'][:16]}… vs {other.get('weights_sha256', '?')[:16]}…; "
            f"history: {history_difference(mine['history'], other.get('history', []))}"
        )
    return 0 if same else 1


def history_difference(mine: list[dict], other: list[dict]) -> str:
    """'same', or which columns differ (a change in what is measured, not in the weights)."""
    if mine == other:
        return "same"
    keys = sorted(
        {k for a, b in zip(mine, other) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    )
    return "differs in " + ", ".join(keys) if keys else f"{len(mine)} vs {len(other)} rows"


if __name__ == "__main__":
    sys.exit(main())
