"""The notebook's ball: how many positions a second `GradientDescent.ride_along` sends while a
cell trains, and how much it slows `training.fit`.

The same run (the video preset) with ``on_event=gd.ride_along`` and without, taking turns in
this process; each message the widget sends is JSON-encoded as the kernel would (the comm's
socket write happens in the kernel's IOPub thread, not in the training loop). Positions a
second: per epoch, from its first position to its last (the accuracies measured after each
epoch are a pause in the weights' motion). Slowdown: the medians' ratio, in CPU time (the
work the ball adds, which other programs on the machine stretch less) and on the wall clock.
Targets (issue 22): ≥ 10 positions a second, training slowed by at most 10%.
Run: python bench/bench_widget_ball.py [--quick] [--epochs N] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from bench_ball import POSITIONS, SLOWDOWN, dataset
from digitnet.data import Dataset
from digitnet.training import TrainConfig, fit, make_config
from digitnet.widgets import GradientDescent


def one_run(config: TrainConfig, data: Dataset, ball: bool) -> dict[str, Any]:
    """One fit, with the ball or without: its CPU and wall seconds, the positions' times."""
    arrivals: dict[int, list[float]] = {}
    on_event = None
    if ball:
        gd = GradientDescent(config.build_network(), data=data)

        def send(content: dict[str, Any], buffers: Any = None) -> None:
            json.dumps(content)  # what the kernel does with each message
            if content["type"] == "ball":
                arrivals.setdefault(content["epoch"], []).append(time.perf_counter())

        gd.send = send  # type: ignore[method-assign]
        on_event = gd.ride_along
    wall, cpu = time.perf_counter(), time.process_time()
    fit(data, config, on_event=on_event)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rates = [
        (len(t) - 1) / (t[-1] - t[0]) for t in arrivals.values() if len(t) > 2 and t[-1] > t[0]
    ]
    return {"cpu_s": cpu, "wall_s": wall, "rates": rates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="synthetic data, two epochs")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the video preset")
    parser.add_argument("--repeats", type=int, default=3, help="runs with and without, each")
    args = parser.parse_args()
    data = dataset(args.quick)
    config = make_config("video", epochs=2 if args.quick else args.epochs)
    runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for _ in range(args.repeats):
        for ball in (False, True):  # taking turns: a slower moment of the machine hits both
            runs[ball].append(one_run(config, data, ball))
    rates = [r for run in runs[True] for r in run["rates"]] or [float("nan")]  # epochs too short
    ratio = {
        key: statistics.median(r[key] for r in runs[True])
        / statistics.median(r[key] for r in runs[False])
        for key in ("cpu_s", "wall_s")
    }
    print(f"{data.name}, {config.epochs} epochs of the video preset, {args.repeats} runs each")
    print(f"positions a second (per epoch): median {statistics.median(rates):.1f}, "
          f"lowest {min(rates):.1f} (target ≥ {POSITIONS:g})")  # fmt: skip
    print(f"with the ball / without: CPU time {ratio['cpu_s']:.3f}, wall clock "
          f"{ratio['wall_s']:.3f} (target ≤ {SLOWDOWN:g})")  # fmt: skip


if __name__ == "__main__":
    main()
