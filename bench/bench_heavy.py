"""The drawing's speed while heavy requests pile up, and the server's memory.

Starts `digitnet serve` on a free port of 127.0.0.1 (a fresh server for each load), keeps N heavy
requests in flight (landscape, cosine, averaging, gradient, dream, noise; a new seed each time,
so none is answered from the cache; a client told 503 waits its Retry-After and sends the next),
and meanwhile sends drawings to /api/predict one after another. Prints, for each N: the heavy
answers (200 and 503), the predictions' latency (median, p99, max) and the server's peak
resident memory (VmHWM, Linux) while the drawings were sent, and what it holds once the clients
have stopped and their last requests are answered (or a minute has passed).

Run: python bench/bench_heavy.py --model FILE [--in-flight 0 32 64] [--predictions 300]
(the model's dataset must be in the cache; `--src DIR` serves another checkout's sources).
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

P99_TARGET_MS, PEAK_TARGET_MB = 100, 1000  # issue 21: at 32 in flight, and at 64
PREDICT_TIMEOUT = 60  # seconds: a drawing's answer later than that counts as that
HEAVY = [  # (path, body for a seed)
    ("/api/landscape", lambda s: {"seed": s}),
    ("/api/gradient/cosine", lambda s: {"seed": s}),
    ("/api/averaging", lambda s: {"seed": s}),
    ("/api/gradient", lambda s: {"batch": {"size": 100, "seed": s}}),
    ("/api/experiments/dream", lambda s: {"seed": s}),
    ("/api/experiments/noise", lambda s: {"seed": s}),
]
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM of a process, in MB (10⁶ bytes)."""
    with open(f"/proc/{pid}/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith(field + ":"))
    return int(kib) * 1024 / 1e6


class Server:
    """`digitnet serve --model FILE` in a subprocess, with a temp models folder."""

    def __init__(self, model: Path, src: Path) -> None:
        self.port = free_port()
        self.folder = tempfile.TemporaryDirectory()
        env = {**os.environ, "PYTHONPATH": str(src), "DIGITNET_MODELS": self.folder.name}
        cmd = [sys.executable, "-m", "digitnet.cli", "serve", "--model", str(model)]
        self.proc = subprocess.Popen(  # (its log: on shutdown, each request cut off)
            [*cmd, "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/api/model", timeout=5).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        # the dataset loads on first use: before the clock starts
        httpx.get(f"{self.url}/api/mistakes?limit=1", timeout=120).raise_for_status()

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.folder.cleanup()


def load(server: Server, in_flight: int, predictions: int, seeds: itertools.count) -> dict:
    """Keep `in_flight` heavy requests going while `predictions` drawings are sent."""
    stop = threading.Event()
    answered = {200: 0, 503: 0, "other": 0}
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=300) as http:
            for i in itertools.count(k):
                if stop.is_set():
                    return
                path, body = HEAVY[i % len(HEAVY)]
                try:
                    r = http.post(path, json=body(next(seeds)))
                except httpx.HTTPError:  # the server ended under it: the measure is over
                    return
                with lock:
                    answered[r.status_code if r.status_code in (200, 503) else "other"] += 1
                if r.status_code == 503:
                    stop.wait(float(r.headers.get("Retry-After", 1)))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(in_flight)]
    for t in threads:
        t.start()
    time.sleep(3)  # the load builds up
    rng = np.random.default_rng(0)
    latencies, timed_out = [], 0
    with httpx.Client(base_url=server.url, timeout=PREDICT_TIMEOUT) as http:
        for _ in range(predictions):
            pixels = rng.integers(0, 256, 784).tolist()
            start = time.perf_counter()
            try:
                http.post("/api/predict", json={"pixels": pixels}).raise_for_status()
            except httpx.TimeoutException:
                timed_out += 1  # counted as the timeout: the real wait is longer
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.02)  # a stroke's pace
    stop.set()
    peak = memory_mb(server.proc.pid, "VmHWM")
    deadline = time.monotonic() + 60  # the requests still going: a minute, then they are cut
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    time.sleep(2)
    return {
        "answered": dict(answered),
        "timed_out": timed_out,
        "p50": statistics.median(latencies),
        "p99": float(np.percentile(latencies, 99)),
        "max": max(latencies),
        "peak": peak,
        "after": memory_mb(server.proc.pid, "VmRSS"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--in-flight", type=int, nargs="+", default=[0, 32, 64])
    parser.add_argument("--predictions", type=int, default=300)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the sources to serve")
    args = parser.parse_args()
    seeds = itertools.count(1000)
    print(f"{os.cpu_count()} cores; model {args.model.name}; {args.predictions} predictions each")
    print("in flight | heavy 200 | heavy 503 | predict p50 / p99 / max (ms) | peak RSS | after")
    for n in args.in_flight:
        server = Server(args.model, args.src)
        try:
            r = load(server, n, args.predictions, seeds)
        finally:
            server.close()
        a = r["answered"]
        print(
            f"{n:9} | {a[200]:9} | {a[503]:9} | {r['p50']:7.1f} / {r['p99']:6.1f} / "
            f"{r['max']:6.1f}       | {r['peak']:5.0f} MB | {r['after']:4.0f} MB"
            + (f"  ({a['other']} other answers)" if a["other"] else "")
            + (f"  ({r['timed_out']} predictions timed out)" if r["timed_out"] else "")
        )
    print(f"targets: predict p99 ≤ {P99_TARGET_MS} ms at 32 in flight, peak ≤ {PEAK_TARGET_MB} MB")


if __name__ == "__main__":
    main()
