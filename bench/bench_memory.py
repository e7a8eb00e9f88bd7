"""Peak memory of `digitnet train`: the video preset, one epoch, full MNIST, in a fresh process.

Reads the child's maximum resident set size from the kernel (os.wait4), so nothing else that
this script has done is counted. Run: python bench/bench_memory.py [--data PATH] [--json]
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


def peak_rss_mb(argv: list[str]) -> tuple[float, int, str]:
    """Run argv in a fresh process; return its peak resident memory in MB, status and stderr."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own resource usage
        child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    return usage.ru_maxrss * 1024 / 1e6, child.returncode, stderr  # ru_maxrss is in KiB


def train_command(out: Path, data: str | None) -> list[str]:
    """`digitnet train` for one epoch of the video preset, run by this same interpreter."""
    argv = [sys.executable, "-c", RUN_CLI, "train", "--preset", "video", "--epochs", "1"]
    argv += ["--quiet", "--out", str(out)]
    return argv + (["--data", data] if data else [])


def measure_train_memory(data: str | None = None) -> dict[str, object]:
    """Peak memory of one epoch of `digitnet train` on full MNIST, with the target verdict."""
    with tempfile.TemporaryDirectory() as tmp:
        mb, status, stderr = peak_rss_mb(train_command(Path(tmp) / "video.safetensors", data))
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
