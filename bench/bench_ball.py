"""The ball on the real landscape: how many positions a second reach the page while a run
trains, and how much following the run slows training.

Positions: the real server (uvicorn, in this process, as `digitnet serve` runs it) trains the
video preset; a client reads /api/train/events as the page does and notes when each "ball"
event arrives. Per epoch: its positions over the time from its first to its last (the weights
move only in the mini-batch loop; the accuracies measured after each epoch take a pause).
Slowdown: the same run as the page starts it (web/state.py's TrainingRun), with the ball and
without, taking turns (round-robin) in this process; the median of the repeats of each, and
their ratio: in CPU time (the target's measure: the work the ball adds, which a machine busy
with other programs stretches less), of the best runs (the least disturbed) and of the
medians, and on the wall clock, in the mini-batch loops (the history's "seconds") and in all.
Targets (issue 20): ≥ 10 positions a second, training slowed by at most 10%.
Run: python bench/bench_ball.py [--quick] [--epochs N] [--repeats N] [--json]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from typing import Any

import httpx
import numpy as np
import uvicorn

from digitnet.data import Dataset, Split
from digitnet.training import PRESETS, TrainConfig, make_config
from digitnet.web.app import create_app
from digitnet.web.state import TrainingRun

POSITIONS = 10.0  # a second, at least
SLOWDOWN = 1.10  # with the ball / without, at most


def synthetic(n: int, seed: int) -> Split:
    """n random 'digits' (noise with one bright band per class): for --quick, no download."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.random((n, 784), dtype=np.float32) * 0.2
    for d in range(10):
        images[labels == d, 60 + 56 * d : 80 + 56 * d] = 1.0
    return Split(images, labels)


def dataset(quick: bool) -> Dataset:
    if quick:
        return Dataset("synthetic", synthetic(5000, 1), synthetic(200, 2), synthetic(200, 3))
    from digitnet.data import load_dataset

    return load_dataset("mnist", progress=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def positions_at_the_page(data: Dataset, body: dict[str, Any]) -> dict[str, Any]:
    """Start a run on a real server and read its event stream: ball events per second."""
    port = free_port()
    app = create_app(data_loader=lambda: data)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.02)
    try:
        arrivals: dict[int, list[float]] = {}
        with httpx.Client(base_url=base, timeout=None) as client:
            client.post("/api/train", json=body).raise_for_status()
            with client.stream("GET", "/api/train/events") as stream:
                kind = None
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: ") and kind == "ball":
                        epoch = json.loads(line[6:])["epoch"]
                        arrivals.setdefault(epoch, []).append(time.perf_counter())
    finally:
        server.should_exit = True
        thread.join()
    rates = [
        (len(times) - 1) / (times[-1] - times[0])
        for times in arrivals.values()
        if len(times) > 2 and times[-1] > times[0]
    ]
    every = sorted(t for times in arrivals.values() for t in times)
    return {
        "positions": len(every),
        "per_second_in_epochs": statistics.median(rates) if rates else 0.0,
        "per_second_lowest_epoch": min(rates) if rates else 0.0,
        "per_second_whole_run": (len(every) - 1) / max(every[-1] - every[0], 1e-9),
    }


def one_run(config: TrainConfig, data: Dataset, ball: bool) -> dict[str, float]:
    """One run as the page starts it, in this thread: the seconds of its mini-batch loops and
    of all of it, on the wall clock and in CPU time (what a busy machine does not stretch)."""
    run = TrainingRun(config, lambda: data, ball=ball)
    wall, cpu = time.perf_counter(), time.thread_time()
    run.thread.run()  # the thread's work, here: its CPU time is this thread's
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    if run.error or run.result is None:
        raise SystemExit(f"the run failed: {run.error}")
    loops = sum(row["seconds"] for row in run.result.history)
    own = {"placing_s": run.ball.placing, "laying_s": run.ball.laying} if run.ball else {}
    return {"loops_s": loops, "whole_s": wall, "cpu_s": cpu, **own}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="synthetic data, two epochs")
    parser.add_argument("--epochs", type=int, default=5, help="epochs of the video preset")
    parser.add_argument("--repeats", type=int, default=5, help="runs with and without, each")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    epochs = 2 if args.quick else args.epochs
    data = dataset(args.quick)
    body = {"preset": "video", "epochs": epochs}
    config = make_config(PRESETS["video"], epochs=epochs)

    seen = positions_at_the_page(data, body)
    times: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for _ in range(args.repeats):
        for ball in (False, True):  # round-robin: a busy moment hurts both alike
            times[ball].append(one_run(config, data, ball))
    pairs = [w["cpu_s"] / wo["cpu_s"] for w, wo in zip(times[True], times[False])]
    best = {b: min(t["cpu_s"] for t in times[b]) for b in times}  # the least disturbed
    own = {
        key: statistics.median(t[key] / t["cpu_s"] for t in times[True])
        for key in ("placing_s", "laying_s")
    }  # the ball's own work, as it counts it: a share of its run's CPU time
    median = {
        key: {b: statistics.median(t[key] for t in times[b]) for b in times}
        for key in ("loops_s", "whole_s", "cpu_s")
    }
    result = {
        "data": data.name,
        "epochs": epochs,
        "repeats": args.repeats,
        **seen,
        **{key: {"without": m[False], "with": m[True]} for key, m in median.items()},
        **{f"slowdown_{key[:-2]}": m[True] / m[False] for key, m in median.items()},
        "slowdown_cpu_pairs": [min(pairs), max(pairs)],
        "best_cpu_s": {"without": best[False], "with": best[True]},
        "slowdown_best_cpu": best[True] / best[False],
        "own_share": {"positions": own["placing_s"], "slices": own["laying_s"]},
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"video preset, {epochs} epoch(s) on {data.name}; {args.repeats} runs with and without")
    print(
        f"positions at the page: {seen['positions']} in all; "
        f"{seen['per_second_in_epochs']:.1f}/s within an epoch (median; lowest "
        f"{seen['per_second_lowest_epoch']:.1f}/s), {seen['per_second_whole_run']:.1f}/s over "
        f"the whole run (the pauses to measure accuracy included)"
    )
    loops, whole, cpu = median["loops_s"], median["whole_s"], median["cpu_s"]
    print(
        f"training with the ball / without: {result['slowdown_best_cpu']:.3f}× in CPU time, "
        f"best runs ({best[True]:.2f} s / {best[False]:.2f} s); medians "
        f"{result['slowdown_cpu']:.3f}× ({cpu[True]:.2f} s / {cpu[False]:.2f} s; run by run "
        f"{min(pairs):.2f}–{max(pairs):.2f}×); on the wall clock "
        f"{result['slowdown_loops']:.3f}× in the mini-batch loops ({loops[True]:.2f} s / "
        f"{loops[False]:.2f} s), {result['slowdown_whole']:.3f}× in all ({whole[True]:.2f} s / "
        f"{whole[False]:.2f} s)"
    )
    print(
        f"the ball's own work (as it counts it): {own['placing_s']:.1%} of its run's CPU time "
        f"placing the ball, {own['laying_s']:.1%} laying slices (medians)"
    )
    met = (
        seen["per_second_in_epochs"] >= POSITIONS,
        result["slowdown_best_cpu"] <= SLOWDOWN,
    )
    print(
        f"targets: ≥ {POSITIONS:g} positions a second {'met' if met[0] else 'NOT met'}; "
        f"slowed by ≤ {SLOWDOWN - 1:.0%} {'met' if met[1] else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
