"""A short heavy request sent while a long one computes: how long it waits.

Starts `digitnet serve` on a free port of 127.0.0.1, sends a cosine curve (a long request: a
minute on a loaded machine with a wide network), then, a second later, a noise request (a short
one), and prints each one's time and the noise request's time alone. With the long and short
lanes of `web/state.py` the noise request no longer waits for the cosine curve.

Run: python bench/bench_lanes.py --model FILE [--src DIR]
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import httpx

from bench_heavy import ROOT, Server


def timed(url: str, path: str, body: dict) -> float:
    start = time.monotonic()
    httpx.post(url + path, json=body, timeout=600).raise_for_status()
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    server = Server(args.model, args.src)
    try:
        seed = time.time_ns() % 100_000  # never answered from the cache
        took: dict[str, float] = {}
        body = {"seed": seed}
        cosine = threading.Thread(
            target=lambda: took.update(cosine=timed(server.url, "/api/gradient/cosine", body))
        )
        cosine.start()
        time.sleep(1)
        noise = timed(server.url, "/api/experiments/noise", {"seed": seed})
        cosine.join()
        alone = timed(server.url, "/api/experiments/noise", {"seed": seed + 1})
        print(f"cosine curve {took['cosine']:.1f} s; noise sent 1 s into it {noise:.1f} s")
        print(f"noise alone {alone:.1f} s")
    finally:
        server.close()


if __name__ == "__main__":
    main()
