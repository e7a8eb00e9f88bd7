"""`digitnet show` after a long run with `--record-weights`: time and peak memory of the movie
as drawn now (MOVIE_FRAMES frames spread over the run) against every recorded frame (what
show drew before), side by side, each in a fresh process.

The recording is made, not trained: --frames frames (751 by default: what 40 epochs of the
video preset with --record-weights 100 kept before the cap) going from a new network's first
layer to the trained one's, with a little seeded noise, saved as the model's sidecar.
Run: python bench/bench_show.py [--model FILE] [--frames 751] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digitnet.frames import MOVIE_FRAMES, Frames, frames_path, save_frames
from digitnet.modelfile import load_model
from digitnet.network import Network

EVERY_FRAME = "import digitnet.pictures; digitnet.pictures.MOVIE_FRAMES = 10**9\n"  # the old way


def recording(model: Path, k: int, seed: int = 0) -> Frames:
    """k first-layer frames from a new network's weights to the model's, plus noise."""
    net = load_model(model).network
    start = Network(net.sizes, net.activation, net.cost.name, seed=seed).weights[0]
    end, rng = net.weights[0], np.random.default_rng(seed)
    t = np.linspace(0, 1, k)[:, None, None]
    frames = (1 - t) * start + t * end + rng.normal(0, 0.01, (k, *end.shape))
    batches = np.arange(k, dtype=np.int64)
    return Frames(frames.astype(np.float16), (batches > 0).astype(np.int64), batches)


def measure(model: Path, out: Path, every_frame: bool) -> dict[str, float]:
    """One `digitnet show` in a fresh process: seconds, peak MB, the GIF's frames and MB."""
    from PIL import Image

    from bench_memory import RUN_CLI, peak_memory_mb  # beside this script

    code = (EVERY_FRAME if every_frame else "") + RUN_CLI
    begin = time.perf_counter()
    mb, status, stderr = peak_memory_mb(code, ["show", str(model), "--out", str(out)])
    seconds = time.perf_counter() - begin
    if status != 0:
        raise RuntimeError(f"digitnet show failed: {stderr.strip()[-300:]}")
    gif = out / "weights-movie.gif"
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(mb, 1),
        "gif_frames": Image.open(gif).n_frames if gif.exists() else 0,
        "gif_mb": round(gif.stat().st_size / 1e6, 2) if gif.exists() else 0.0,
    }


def quick_model(folder: Path) -> Path:
    """The video preset trained for one epoch on MNIST (a few seconds)."""
    from dataclasses import replace

    from digitnet.data import load_dataset
    from digitnet.modelfile import save_model
    from digitnet.training import PRESETS, checkpoint_model, fit

    data = load_dataset(progress=False)
    result = fit(data, replace(PRESETS["video"], epochs=1))
    return save_model(checkpoint_model(result, data), folder / "video.safetensors")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a model file (default: one epoch of video)")
    parser.add_argument("--frames", type=int, default=751, help="frames in the recording")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = folder / "model.safetensors"
        model.write_bytes((args.model or quick_model(folder)).read_bytes())
        save_frames(frames_path(model), recording(model, args.frames))
        now = measure(model, folder / "now", every_frame=False)
        before = measure(model, folder / "before", every_frame=True)
        frames_path(model).unlink()
        still = measure(model, folder / "still", every_frame=False)
    report = {
        "recorded_frames": args.frames,
        "movie_frames": MOVIE_FRAMES,
        "capped": now,
        "every_frame": before,
        "no_movie": still,
        "time_ratio": round(before["seconds"] / now["seconds"], 2),
        "memory_ratio": round(before["peak_mb"] / now["peak_mb"], 2),
        "gif_ratio": round(before["gif_mb"] / now["gif_mb"], 2),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"digitnet show, a recording of {args.frames} frames (fresh process each):")
    print(f"{'movie':<24}{'GIF frames':>11}{'GIF MB':>9}{'seconds':>9}{'peak MB':>9}")
    rows = ((f"capped ({MOVIE_FRAMES} frames)", now), ("every frame", before), ("none", still))
    for name, row in rows:
        print(
            f"{name:<24}{row['gif_frames']:>11}{row['gif_mb']:>9.2f}{row['seconds']:>9.2f}"
            f"{row['peak_mb']:>9.1f}"
        )
    print(
        f"every frame / capped: {report['time_ratio']}× the time, {report['memory_ratio']}× the "
        f"memory, {report['gif_ratio']}× the GIF"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
