"""How fast digitnet trains the video's 784-16-16-10 network, beside the book's loop and PyTorch.

Same network (sigmoid, quadratic cost Σ(a−y)², plain SGD), same data, batch size and learning
rate for each implementation, run in turn (round-robin), median of several runs. Also prints the
work per epoch, this machine's float32 matmul rate, and which of the speed targets are met.
Run: python bench/bench_train.py [--quick] [--data PATH] [--json]   (pip install -e '.[bench]')
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from digitnet.data import Split
from digitnet.network import Network, one_hot
from digitnet.training import TrainConfig, train

SIZES = (784, 16, 16, 10)
EPOCH = 50_000  # images in one epoch (the book's training split)
LEARNING_RATE = 1.5  # the book preset's η (the book's 3.0 for its ½Σ(a−y)² cost)
TORCH_HINT = "pip install torch==2.13.0"
TARGETS = {  # the speed targets, keyed by (compared with, batch size): digitnet's speed-up, or its
    # epoch over the arithmetic lower bound
    ("book", 10): ("≥", 10.0),
    ("torch", 10): ("≥", 6.0),
    ("torch", 100): ("≥", 2.5),
    ("bound", 100): ("≤", 8.0),
}


def synthetic(n: int, seed: int = 0) -> Split:
    """n random 'digits' (noise with one bright band per class): for --quick, no download."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    for d in range(10):
        images[labels == d, 2 + 2 * d : 4 + 2 * d, 4:24] = 1.0
    return Split(images.reshape(n, 784), labels)


def mnist(n: int, data_path: str | None) -> Split:
    """The first n of MNIST's 50,000 training images, through digitnet's own loader."""
    from digitnet.data import load_dataset

    train_split = load_dataset("mnist", data_path=data_path, progress=False).train
    return Split(train_split.images[:n], train_split.labels[:n])


# ---- the three implementations: each trains one pass over `split` and returns seconds -----


def digitnet_epoch(split: Split, batch_size: int) -> float:
    """digitnet's own `train()`, one epoch, measured on nothing afterwards; its history's
    `seconds` are the training alone."""
    config = TrainConfig(sizes=SIZES, epochs=1, batch_size=batch_size, learning_rate=LEARNING_RATE)
    return train(config, split.images, split.labels).history[-1]["seconds"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


SIGMA_PRIMES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    # σ′(z) as network.py computes it: σ(z)(1 − σ(z)), σ worked out again from z, twice
    "book": lambda z, a: sigmoid(z) * (1 - sigmoid(z)),
    # … and the lean way: a(1 − a), from the a = σ(z) kept on the way forward
    "book-lean": lambda z, a: a * (1 - a),
}


def book_step(
    Ws: list[np.ndarray],
    bs: list[np.ndarray],
    batch: list[tuple[np.ndarray, np.ndarray]],
    sigma_prime: Callable[[np.ndarray, np.ndarray], np.ndarray] = SIGMA_PRIMES["book"],
) -> None:
    """One mini-batch step of the book's algorithm, from its equations: one example at a time.

    ``batch`` holds (x, y) pairs, each a column: x (784, 1), y (10, 1); bs[l] is (n_l, 1). A
    Python loop backpropagates each example and sums its ∇C_x, then W ← W − (η/m) Σ_x ∇C_x.
    """
    nabla_W = [np.zeros_like(W) for W in Ws]
    nabla_b = [np.zeros_like(b) for b in bs]
    for x, y in batch:
        a, zs, activations = x, [], [x]
        for W, b in zip(Ws, bs):
            z = W @ a + b  # z = W a + b
            a = sigmoid(z)  # a' = σ(z)
            zs.append(z)
            activations.append(a)
        delta = 2 * (a - y) * sigma_prime(zs[-1], a)  # δᴸ = 2(aᴸ − y) ⊙ σ′(zᴸ)
        for l in reversed(range(len(Ws))):
            nabla_W[l] += delta @ activations[l].T  # ∂C_x/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
            nabla_b[l] += delta  # ∂C_x/∂bˡ = δˡ
            if l > 0:  # δˡ⁻¹ = (Wˡ)ᵀ δˡ ⊙ σ′(zˡ⁻¹)
                delta = (Ws[l].T @ delta) * sigma_prime(zs[l - 1], activations[l])
    for W, b, gW, gb in zip(Ws, bs, nabla_W, nabla_b):
        W -= (LEARNING_RATE / len(batch)) * gW
        b -= (LEARNING_RATE / len(batch)) * gb


def book_epoch(split: Split, batch_size: int, variant: str = "book") -> float:
    """The book's per-example algorithm, one epoch, its examples kept as network.py keeps them:
    a list of (x, y) column pairs, shuffled, cut into mini-batches by slicing the list.

    "book" holds its parameters in float64, as network.py's np.random.randn makes them (the
    images stay float32, as its loader gives them); "book-lean" uses float32 throughout.
    """
    net = Network(SIZES, dtype="float64" if variant == "book" else "float32")
    Ws = [W.copy() for W in net.weights]
    bs = [b[:, None].copy() for b in net.biases]
    pairs = list(zip(split.images[:, :, None], one_hot(split.labels).T[:, :, None]))
    started = time.perf_counter()
    order = np.random.default_rng(0).permutation(len(pairs))
    shuffled = [pairs[i] for i in order]
    for k in range(len(shuffled) // batch_size):
        batch = shuffled[k * batch_size : (k + 1) * batch_size]
        book_step(Ws, bs, batch, SIGMA_PRIMES[variant])
    return time.perf_counter() - started


def torch_model(net: Network):
    """The same network in PyTorch: Linear + Sigmoid layers holding net's weights, and SGD."""
    import torch

    layers: list[torch.nn.Module] = []
    for W, b in zip(net.weights, net.biases):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    return model, torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)


def torch_step(model, optimizer, x, y) -> None:
    """One SGD step on the mean over the batch of Σ(a − y)²; x (m, 784), y one-hot (m, 10)."""
    optimizer.zero_grad(set_to_none=True)
    loss = ((model(x) - y) ** 2).sum(1).mean()
    loss.backward()
    optimizer.step()


def torch_epoch(split: Split, batch_size: int) -> float:
    """PyTorch on the CPU, written the fast way: one permutation per epoch, contiguous slices."""
    import torch

    model, optimizer = torch_model(Network(SIZES))
    X = torch.from_numpy(np.array(split.images, dtype=np.float32))
    Y = torch.from_numpy(one_hot(split.labels).T.copy())
    started = time.perf_counter()
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
    X_epoch, Y_epoch = X[order], Y[order]
    for k in range(len(X) // batch_size):
        batch = slice(k * batch_size, (k + 1) * batch_size)
        torch_step(model, optimizer, X_epoch[batch], Y_epoch[batch])
    return time.perf_counter() - started


IMPLEMENTATIONS: dict[str, Callable[[Split, int], float]] = {
    "digitnet": digitnet_epoch,
    "book": book_epoch,
    "book-lean": lambda split, batch_size: book_epoch(split, batch_size, "book-lean"),
    "torch": torch_epoch,
}


def _layers() -> list[tuple[int, int]]:
    return list(zip(SIZES[1:], SIZES[:-1]))  # (n_out, n_in) of each weight matrix


def has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# ---- threads, the hardware, the work ------------------------------------------------------


class Threads:
    """Limit BLAS threads: threadpoolctl for NumPy's BLAS, torch.set_num_threads for torch."""

    def __init__(self, n: int, use_torch: bool) -> None:
        self.n, self.use_torch = n, use_torch

    def __enter__(self) -> Threads:
        from threadpoolctl import threadpool_limits

        self._limits = threadpool_limits(limits=self.n, user_api="blas")
        if self.use_torch:
            import torch

            torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc: object) -> None:
        self._limits.restore_original_limits()


def flops_per_example() -> int:
    """Floating-point work of one example's step: 2 per multiply-add of every matrix product.

    Forward Wˡaˡ⁻¹ and the weight gradients δˡ(aˡ⁻¹)ᵀ for every layer, and the products (Wˡ)ᵀδˡ
    sending δ back (not to the input). Element-wise work (σ, σ′, the update) is left out.
    """
    products = sum(o * i for o, i in _layers())
    back = sum(o * i for o, i in _layers()[1:])
    return 2 * (products + products + back)


def matmul_gflops(size: int, threads: int, repeats: int = 5) -> float:
    """This machine's float32 matrix-multiply rate with NumPy: best of `repeats` (GFLOP/s).

    The best, not the median: the bound should be what the core can do, not what a busy
    moment left of it.
    """
    rng = np.random.default_rng(0)
    A = rng.random((size, size), dtype=np.float32)
    B = rng.random((size, size), dtype=np.float32)
    C = np.empty_like(A)
    best = float("inf")
    with Threads(threads, use_torch=False):
        np.matmul(A, B, out=C)  # warm up
        for _ in range(repeats):
            started = time.perf_counter()
            np.matmul(A, B, out=C)
            best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def environment(use_torch: bool) -> dict[str, object]:
    """What the numbers depend on: processor, BLAS, versions, OpenBLAS settings, load."""
    from threadpoolctl import threadpool_info

    blas = [
        f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
        for p in threadpool_info()
        if p.get("user_api") == "blas"
    ]
    env: dict[str, object] = {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if use_torch:
        import torch

        env["torch"] = torch.__version__
    return env


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ---- the run ------------------------------------------------------------------------------


def run(
    split: Split,
    names: list[str],
    batch_sizes: list[int],
    threads: list[int],
    repeats: int,
    matmul_size: int,
) -> dict[str, object]:
    """Time every (implementation, batch size, threads), alternating; collect rates and ratios."""
    use_torch = "torch" in names
    n = len(split.labels)
    rates = {t: matmul_gflops(matmul_size, t) for t in threads}  # again at the end: the best
    warm = Split(split.images[:100], split.labels[:100])
    for name in names:  # first calls pay for imports and caches; keep them out of the medians
        IMPLEMENTATIONS[name](warm, 10)
    rows = []
    for batch_size in batch_sizes:
        for t in threads:
            times: dict[str, list[float]] = {name: [] for name in names}
            with Threads(t, use_torch):
                for _ in range(repeats):
                    for name in names:  # round-robin: a busy moment hits every one alike
                        seconds = IMPLEMENTATIONS[name](split, batch_size)
                        times[name].append(seconds * EPOCH / (n // batch_size * batch_size))
            for name in names:
                epoch = statistics.median(times[name])
                rows.append(
                    {
                        "implementation": name,
                        "batch_size": batch_size,
                        "threads": t,
                        "seconds_per_epoch": epoch,
                        "samples_per_second": EPOCH / epoch,
                        "runs": times[name],
                    }
                )
    rates = {t: max(rates[t], matmul_gflops(matmul_size, t)) for t in threads}
    flops = flops_per_example() * EPOCH
    return {
        "images_timed": n,
        "repeats": repeats,
        "flops_per_epoch": flops,
        "matmul_size": matmul_size,
        "matmul_gflops": rates,
        "rows": rows,
        "ratios": ratios(rows, rates, flops),
    }


def ratios(rows: list[dict], rates: dict[int, float], flops: int) -> list[dict[str, object]]:
    """digitnet against each other implementation and against the lower bound, with targets."""
    epoch = {
        (r["implementation"], r["batch_size"], r["threads"]): r["seconds_per_epoch"] for r in rows
    }
    out = []
    for (name, batch_size, t), seconds in epoch.items():
        if name != "digitnet":
            continue
        for other in ("book", "book-lean", "torch"):
            if (other, batch_size, t) in epoch:
                speedup = epoch[other, batch_size, t] / seconds
                out.append(_ratio(f"digitnet vs {other}", other, batch_size, t, speedup))
        bound = flops / (rates[t] * 1e9)
        out.append(_ratio("epoch / lower bound", "bound", batch_size, t, seconds / bound))
    return out


def _ratio(what: str, key: str, batch_size: int, t: int, value: float) -> dict[str, object]:
    """One ratio line; `met` is None where there is no target."""
    target = TARGETS.get((key, batch_size))
    met = None
    if target is not None:
        sign, limit = target
        met = value >= limit if sign == "≥" else value <= limit
    return {
        "what": what,
        "batch_size": batch_size,
        "threads": t,
        "ratio": value,
        "target": None if target is None else f"{target[0]} {target[1]:g}×",
        "met": met,
    }


# ---- the report ---------------------------------------------------------------------------


def report(result: dict, env: dict, notes: list[str]) -> str:
    n, reps = result["images_timed"], result["repeats"]
    lines = [
        f"digitnet training benchmark: {'-'.join(map(str, SIZES))} sigmoid, quadratic cost, "
        f"plain SGD, η = {LEARNING_RATE}",
        f"  cpu: {env['cpu']} ({env['cores']} cores), load average {env['load_average']}",
        f"  python {env['python']}, numpy {env['numpy']}, BLAS {', '.join(env['blas']) or '?'}"
        + (f", torch {env['torch']}" if "torch" in env else ""),
        f"  OPENBLAS settings: {env['openblas_env'] or 'none set'}",
        f"  each epoch timed on {n:,} images and scaled to {EPOCH:,}; median of {reps} "
        "run(s), implementations alternating",
        *(f"  {note}" for note in notes),
        "",
        f"{'implementation':<15}{'batch':>6}{'threads':>8}{'s/epoch':>10}{'samples/s':>12}"
        f"{'digitnet faster':>17}",
    ]
    ours = {
        (r["batch_size"], r["threads"]): r["seconds_per_epoch"]
        for r in result["rows"]
        if r["implementation"] == "digitnet"
    }
    for r in result["rows"]:
        faster = r["seconds_per_epoch"] / ours[r["batch_size"], r["threads"]]
        lines.append(
            f"{r['implementation']:<15}{r['batch_size']:>6}{r['threads']:>8}"
            f"{r['seconds_per_epoch']:>10.3f}{r['samples_per_second']:>12,.0f}{faster:>16.2f}×"
        )
    flops = result["flops_per_epoch"]
    lines += [
        "",
        f"work per epoch: {flops_per_example():,} FLOPs per example × {EPOCH:,} = "
        f"{flops / 1e9:.2f} GFLOP (forward, weight gradients, δ sent back; element-wise left out)",
    ]
    for t, rate in result["matmul_gflops"].items():
        lines.append(
            f"float32 matmul {result['matmul_size']}×{result['matmul_size']}, {t} thread(s): "
            f"{rate:.1f} GFLOP/s (best of 10) → lower bound {flops / (rate * 1e9):.3f} s/epoch"
        )
    lines.append("")
    for r in result["ratios"]:
        verdict = ""
        if r["met"] is not None:
            verdict = f"  (target {r['target']})  " + ("PASS" if r["met"] else "MISS")
        lines.append(
            f"batch {r['batch_size']:>3}, {r['threads']} thread(s): {r['what']:<22} "
            f"{r['ratio']:7.2f}×{verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="200 synthetic images, 1 run: a smoke test")
    add("--data", metavar="PATH", help="MNIST files (default: digitnet's cache)")
    add("--json", action="store_true", help="print the results as JSON")
    add("--images", type=int, default=10_000, help="images timed per epoch (default 10,000)")
    add("--repeats", type=int, default=5, help="runs per implementation (default 5)")
    add("--memory", action="store_true", help="also measure `digitnet train`'s peak memory")
    others = ["book", "book-lean", "torch"]
    add("--skip", choices=others, action="append", default=[], help="leave one out (repeatable)")
    args = parser.parse_args(argv)
    if not 100 <= args.images <= EPOCH or args.repeats < 1:
        parser.error(f"--images must be 100..{EPOCH} and --repeats ≥ 1")
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        print("bench_train: needs threadpoolctl: pip install -e '.[bench]'", file=sys.stderr)
        return 1

    names = [name for name in IMPLEMENTATIONS if name not in args.skip]
    notes = []
    if "torch" in names and not has_torch():
        names.remove("torch")
        notes.append(f"PyTorch is not installed, so its rows are skipped: {TORCH_HINT}")
    if args.quick:
        split, repeats, matmul_size = synthetic(200), 1, 256
        notes.append("--quick: 200 synthetic images, 1 run, a 256×256 matmul: a smoke test only")
    else:
        try:
            split = mnist(args.images, args.data)
        except Exception as e:  # DataError, OSError: one line, no traceback
            print(f"bench_train: cannot load MNIST: {e}", file=sys.stderr)
            return 1
        repeats, matmul_size = args.repeats, 2048
        notes.append("MNIST training images; the machine may be shared, so numbers are noisy")

    env = environment("torch" in names)
    result = run(split, names, [10, 100], [1, 2], repeats, matmul_size)
    result["environment"] = env
    if args.memory:
        from bench_memory import describe, measure_train_memory

        result["memory"] = measure_train_memory(args.data)
    if args.json:
        print(json.dumps(result, indent=1, default=str))
    else:
        print(report(result, env, notes))
        if args.memory:
            print(describe(result["memory"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
