"""Peak memory of `digitnet train`: the video preset, one epoch, full MNIST, in a fresh process.

The child reports its own high-water mark (VmHWM, Linux) as it exits. Not ru_maxrss: that one
carries over the parent's memory through fork and exec. Run: python bench/bench_memory.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_MB = 600  # the target for `digitnet train`, in MB (10⁶ bytes)
RUN_CLI = "import sys; from digitnet.cli import main; sys.exit(main(sys.argv[1:]))"
REPORT_PEAK = """
import atexit, os

def _report_peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(kib)

atexit.register(_report_peak)
"""


def peak_memory_mb(code: str, args: list[str]) -> tuple[float, int, str]:
    """Run Python `code` with `args` in a fresh interpreter; return its peak resident memory
    in MB, its exit status and its stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        done = subprocess.run(
            [sys.executable, "-c", REPORT_PEAK + code, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "BENCH_PEAK_FILE": str(peak_file)},
        )
        if not peak_file.exists():
            raise RuntimeError(f"the child reported no peak memory: {done.stderr.strip()[-200:]}")
        return int(peak_file.read_text()) * 1024 / 1e6, done.returncode, done.stderr


def train_args(out: Path, data: str | None) -> list[str]:
    """`digitnet train` for one epoch of the video preset (its arguments)."""
    args = ["train", "--preset", "video", "--epochs", "1", "--quiet", "--out", str(out)]
    return args + (["--data", data] if data else [])


def measure_train_memory(data: str | None = None) -> dict[str, object]:
    """Peak memory of one epoch of `digitnet train` on full MNIST, with the target verdict."""
    with tempfile.TemporaryDirectory() as tmp:
        mb, status, stderr = peak_memory_mb(
            RUN_CLI, train_args(Path(tmp) / "video.safetensors", data)
        )
    if status != 0:
        last = stderr.strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"digitnet train exited with status {status}: {last[0]}")
    return {"peak_mb": round(mb, 1), "target_mb": TARGET_MB, "met": mb < TARGET_MB}


def describe(result: dict[str, object]) -> str:
    verdict = "PASS" if result["met"] else "MISS"
    return (
        f"peak memory of `digitnet train` (video preset, 1 epoch, full MNIST): "
        f"{result['peak_mb']:.0f} MB (target < {TARGET_MB} MB)  {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", metavar="PATH", help="MNIST files (default: the cache)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        result = measure_train_memory(args.data)
    except (RuntimeError, OSError) as e:
        print(f"bench_memory: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result) if args.json else describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
