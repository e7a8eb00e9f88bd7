"""The cost landscape: the real cost on a 2-D slice of the 13,002-dimensional weight space
around the trained weights θ*, C(θ* + α d₁ + β d₂), with training paths drawn on it.

Directions: two filter-normalised random ones (Li et al. 2018: each row of each weight matrix of
a Gaussian direction rescaled to the norm of the same row of the weights; bias directions 0), the
two principal directions of a recorded training path, or those of four optimisers (full-batch
GD, SGD with batches of 100 and 10, momentum) started from the model's initial weights. The cost
is the model's own (no L2 term), on training images. A slice is a picture of a plane: paths
leave it, so each point's true cost is given beside the plane's value under it.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from threadpoolctl import threadpool_limits

from ..errors import SettingError
from ..modelfile import ModelFile, load_model
from ..network import Network, one_hot
from ..training import TrainConfig
from ..trainpath import load_path, path_file
from ._common import Inputs, Option, as_image, figure, write_png

KINDS = ("random", "path", "optimizers")
NAME = "landscape"
SUMMARY = "the cost on a 2-D slice of weight space around the weights, with training paths"
NEEDS_MODEL = True
OPTIONS = (
    Option(
        "directions",
        "random",
        "random (filter-normalised), path, optimizers",
        "choice",
        choices=KINDS,
    ),  # fmt: skip
    Option("grid", 41, "points per side of the slice (5–201)"),
    Option("span", None, "α, β ∈ [−span, span] (default: 1, or the paths' reach)", "positive"),
    Option(
        "n_images", None, "training images the cost is measured on (10,000; 1,000 for optimizers)"
    ),  # fmt: skip
    Option("examples", None, "optimizers: training examples each one spends (50 passes)"),
    Option("seed", 0, "random directions' and optimizers' seed", "index"),
)
CACHE_SIZE = 8
_cache: OrderedDict[tuple, dict[str, Any]] = OrderedDict()


@dataclass(frozen=True)
class Optimizer:
    name: str
    batch_size: int  # 0: the whole set (full-batch gradient descent)
    learning_rate: float
    momentum: float = 0.0


OPTIMIZERS = (
    Optimizer("full-batch GD", 0, 3.0),
    Optimizer("SGD, batch 100", 100, 3.0),
    Optimizer("SGD, batch 10", 10, 3.0),
    Optimizer("momentum (batch 10, μ 0.9)", 10, 0.3, 0.9),  # η/(1 − μ) = 3, like the others
)
RUNAWAY = 1e3  # a path whose weights grow past this many times the initial ones has diverged


def at_rate(learning_rate: float | None) -> tuple[Optimizer, ...]:
    """The optimisers with η scaled to a model's own learning rate (η = 3 is the video's,
    for its sigmoid network; a ReLU or cross-entropy network diverges there)."""
    if learning_rate is None:
        return OPTIMIZERS
    scale = learning_rate / OPTIMIZERS[0].learning_rate
    return tuple(
        Optimizer(o.name, o.batch_size, o.learning_rate * scale, o.momentum) for o in OPTIMIZERS
    )


# ---- directions --------------------------------------------------------------------------


def random_directions(net: Network, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian directions, each weight row rescaled to the norm of that row of the
    weights (filter normalisation); biases 0. Flat, laid out like ``net.params``."""
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        d = np.zeros(net.n_params)
        d_weights, _ = net.unflatten(d)
        for D, W in zip(d_weights, net.weights):
            D[...] = rng.standard_normal(D.shape)
            row_norms = np.linalg.norm(D, axis=1, keepdims=True)
            D *= np.linalg.norm(W.astype(np.float64), axis=1, keepdims=True) / np.maximum(
                row_norms, 1e-12
            )
        directions.append(d)
    return directions[0], directions[1]


def principal_directions(
    points: np.ndarray, center: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The two unit directions that best explain the points' offsets from ``center`` (the
    leading right singular vectors of the offsets), and the share of Σ‖θₜ − center‖² each holds."""
    offsets = np.asarray(points, dtype=np.float64) - center  # (T, P), T ≪ P
    # The SVD through the small T×T Gram matrix: offsets = U S Vᵀ, offsets offsetsᵀ = U S² Uᵀ.
    eigenvalues, U = np.linalg.eigh(offsets @ offsets.T)
    order = np.argsort(eigenvalues)[::-1]
    squares = np.maximum(eigenvalues[order], 0.0)  # s², largest first
    total = float(squares.sum())
    explained = [float(v / total) if total > 0 else 0.0 for v in squares[:2]]
    vectors = []
    for i in range(2):
        v = offsets.T @ U[:, order[i]] if i < len(order) else np.zeros(offsets.shape[1])
        norm = np.linalg.norm(v)
        vectors.append(v / norm if norm > 1e-12 else np.zeros_like(v))  # a straight path: d₂ = 0
    d1, d2 = vectors
    return d1, d2, explained


def project(
    points: np.ndarray, center: np.ndarray, d1: np.ndarray, d2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(α, β) of each point θ on the plane center + αd₁ + βd₂: the least-squares coordinates,
    those of the plane's nearest point (d₁, d₂ need not be orthogonal or unit); and how far off
    the plane each point is. Two dot products a point, and a 2×2 solve."""
    offsets = np.asarray(points, dtype=np.float64) - center  # θ − c                (T, P)
    D = np.stack([d1, d2]).astype(np.float64)  # (2, P)
    # min ‖θ − c − Dᵀx‖ ⇒ (D Dᵀ) x = D (θ − c); pinv: a zero d₂ gives β = 0
    coords = offsets @ D.T @ np.linalg.pinv(D @ D.T)  # (T, 2)
    residual = offsets - coords @ D
    return coords, np.linalg.norm(residual, axis=1)


# ---- costs on a plane --------------------------------------------------------------------


class Plane:
    """The cost on the plane θ + α d₁ + β d₂ over images X, ready to evaluate at any (α, β).

    The first layer's pre-activations are linear in (α, β):
    X(W¹ + αD + βE)ᵀ = XW¹ᵀ + αXDᵀ + βXEᵀ, so the three products with the images are made once
    (in float64) and each point costs only the small layers above, in ``dtype``.
    """

    def __init__(
        self,
        net: Network,
        d1: np.ndarray,
        d2: np.ndarray,
        X: np.ndarray,
        labels: np.ndarray,
        center: np.ndarray | None = None,
        dtype: str = "float32",
    ) -> None:
        theta = np.asarray(net.params if center is None else center, dtype=np.float64)
        self.probe = probe = Network(net.sizes, net.activation, net.cost.name, dtype="float64")
        self.W, self.b = probe.unflatten(theta)
        self.D, self.e = probe.unflatten(np.asarray(d1, dtype=np.float64))
        self.E, self.f = probe.unflatten(np.asarray(d2, dtype=np.float64))
        a0 = np.asarray(X, dtype=np.float64).T  # (784, n)
        self.y = one_hot(np.asarray(labels), net.sizes[-1], dtype)
        self.n, self.dtype = a0.shape[1], dtype
        W, b, D, e, E, f = self.W, self.b, self.D, self.e, self.E, self.f
        self.Z = (W[0] @ a0 + b[0][:, None]).astype(dtype)  # XW¹ᵀ + b¹, as columns  (n₁, n)
        self.ZD = (D[0] @ a0 + e[0][:, None]).astype(dtype)  # XDᵀ (+ the bias direction)
        self.ZE = (E[0] @ a0 + f[0][:, None]).astype(dtype)  # XEᵀ
        self.zs = [np.empty((M.shape[0], self.n), dtype=dtype) for M in W]  # reused per point
        self.acts = [np.empty_like(z) for z in self.zs]

    def cost(self, alpha: float, beta: float, Zb: np.ndarray | None = None) -> float:
        """C(θ + α d₁ + β d₂); ``Zb`` = XW¹ᵀ + βXEᵀ when the caller has it already."""
        last = len(self.W) - 1
        sigma, squash_out = self.probe.sigma.fn, self.probe.cost.output_activation
        z = np.multiply(self.ZD, alpha, out=self.zs[0])
        z += self.Z + beta * self.ZE if Zb is None else Zb  # z¹ at θ + αd₁ + βd₂
        a = (sigma if last > 0 else squash_out)(z, out=self.acts[0])
        for l in range(1, last + 1):
            W = (self.W[l] + alpha * self.D[l] + beta * self.E[l]).astype(self.dtype)
            b = (self.b[l] + alpha * self.e[l] + beta * self.f[l]).astype(self.dtype)
            z = np.dot(W, a, out=self.zs[l])  # zˡ = Wˡ aˡ⁻¹ + bˡ
            z += b[:, None]
            a = (sigma if l < last else squash_out)(z, out=self.acts[l])
        return self.probe.cost.total(a, self.y) / self.n

    def grid(self, alphas: Sequence[float] | np.ndarray, betas: Sequence[float] | np.ndarray):
        """The cost at every (β, α): rows over betas."""
        costs = np.empty((len(betas), len(alphas)))
        Zb = np.empty_like(self.Z)
        with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread
            for i, beta in enumerate(betas):
                np.multiply(self.ZE, beta, out=Zb)
                Zb += self.Z  # XW¹ᵀ + βXEᵀ, once per row of the grid
                for j, alpha in enumerate(alphas):
                    costs[i, j] = self.cost(alpha, beta, Zb)
        return costs


def slice_costs(
    net: Network,
    d1: np.ndarray,
    d2: np.ndarray,
    alphas: Sequence[float] | np.ndarray,
    betas: Sequence[float] | np.ndarray,
    X: np.ndarray,
    labels: np.ndarray,
    center: np.ndarray | None = None,
    dtype: str = "float32",
) -> np.ndarray:
    """C(θ + α d₁ + β d₂) for every (β, α): rows over betas (θ = ``center``, default the net's)."""
    return Plane(net, d1, d2, X, labels, center, dtype).grid(alphas, betas)


def cost_at(
    net: Network, params: np.ndarray, X: np.ndarray, labels: np.ndarray, dtype: str = "float64"
) -> float:
    """The mean cost (no L2 term) with the net's structure and these parameters."""
    probe = Network(net.sizes, net.activation, net.cost.name, dtype=dtype)
    probe.params[...] = params
    return probe.mean_cost(np.asarray(X, dtype=dtype), labels)


# ---- optimisers from the same start ------------------------------------------------------


def optimizer_paths(
    net: Network,
    initial: np.ndarray,
    X: np.ndarray,
    labels: np.ndarray,
    examples: int,
    optimizers: Sequence[Optimizer] = OPTIMIZERS,
    seed: int = 0,
    points: int = 40,
) -> list[dict[str, Any]]:
    """Train copies of ``net``'s structure from ``initial`` with each optimiser for the same
    number of examples; keep about ``points`` θ's along each run (the first and last included)."""
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    n = len(labels)
    runs = []
    limit = RUNAWAY * max(float(np.linalg.norm(initial)), 1.0)
    for k, opt in enumerate(optimizers):
        probe = Network(net.sizes, net.activation, net.cost.name, dtype="float64")
        probe.params[...] = initial
        batch = n if opt.batch_size == 0 else min(opt.batch_size, n)
        steps = max(1, examples // batch)
        every = max(1, steps // points)
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k,)))
        velocity = np.zeros_like(probe.params)
        kept, seen = [probe.params.copy()], [0]
        order, cursor = rng.permutation(n), 0
        diverged = False
        for step in range(1, steps + 1):
            if cursor + batch > n:  # a fresh shuffle for each pass over the images
                order, cursor = rng.permutation(n), 0
            pick = order[cursor : cursor + batch]
            cursor += batch
            grad_W, grad_b = probe.backprop(X[pick], labels[pick])
            grad = np.concatenate([g.ravel() for g in grad_W] + [g.ravel() for g in grad_b])
            velocity = opt.momentum * velocity - opt.learning_rate * grad  # v ← μv − η∇C
            probe.params += velocity  # θ ← θ + v (μ = 0: plain gradient descent)
            size = float(np.linalg.norm(probe.params))
            diverged = not (math.isfinite(size) and size <= limit)
            if diverged:  # the path ends at its last point before it ran away
                break
            if step % every == 0 or step == steps:
                kept.append(probe.params.copy())
                seen.append(step * batch)
        runs.append(
            {
                "name": opt.name,
                "batch_size": batch,
                "learning_rate": opt.learning_rate,
                "momentum": opt.momentum,
                "examples": steps * batch,
                "steps": steps,
                "params": np.stack(kept),
                "examples_seen": seen,
                "diverged": diverged,
            }
        )
    return runs


# ---- the experiment ----------------------------------------------------------------------


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha1()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def levels(low: float, high: float, count: int = 15) -> list[float]:
    """Log-spaced contour levels from just above the lowest cost to the highest."""
    low = max(low, 1e-12)
    high = max(high, low * 1.0001)
    return np.geomspace(low * 1.02, high, count).tolist()


def landscape(
    net: Network,
    X: np.ndarray,
    labels: np.ndarray,
    directions: str = "random",
    *,
    seed: int = 0,
    grid: int = 41,
    span: float | None = None,
    initial: np.ndarray | None = None,
    path: tuple[np.ndarray, np.ndarray] | None = None,
    examples: int | None = None,
    split: str = "train",
    learning_rate: float | None = None,
) -> dict[str, Any]:
    """The cost on a grid×grid slice, the init→final line, and the paths (see learn-api.md).

    X, labels: the images the cost is measured on. ``initial``: θ before training (for the
    line and the optimisers; default none). ``path``: (params (T, P), examples (T,)), a
    recorded training path, needed for directions "path". ``examples``: the optimisers'
    budget (default 50 passes over X); ``learning_rate``: the model's own, which the optimisers'
    η are scaled to (default: the video's 3). Results are cached per model, images and options.
    """
    if directions not in KINDS:
        raise ValueError(f"directions must be one of {', '.join(KINDS)}, got {directions!r}")
    if not isinstance(grid, int) or not 5 <= grid <= 201:
        raise ValueError(f"grid must be 5–201 points a side, got {grid!r}")
    if span is not None and not (math.isfinite(span) and 0 < span <= 100):
        raise ValueError(f"span must be a number in (0, 100], got {span}")
    if directions == "path" and path is None:
        raise ValueError("this model has no recorded training path: train with --record-path N")
    if directions == "optimizers" and initial is None:
        raise ValueError("the optimisers need the model's initial weights")
    key = (
        _digest(net.params, np.asarray(X), np.asarray(labels)),
        _digest(*(p for p in (initial, *(path or ())) if p is not None)),
        directions, seed, grid, span, examples, split, net.cost.name, learning_rate,
    )  # fmt: skip
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    started = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread is fastest
        result = _landscape(
            net, X, labels, directions, seed, grid, span, initial, path, examples, learning_rate
        )
    result |= {"split": split, "elapsed_s": round(time.perf_counter() - started, 3)}
    _cache[key] = result
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def _landscape(
    net: Network,
    X: np.ndarray,
    labels: np.ndarray,
    directions: str,
    seed: int,
    grid: int,
    span: float | None,
    initial: np.ndarray | None,
    path: tuple[np.ndarray, np.ndarray] | None,
    examples: int | None,
    learning_rate: float | None,
) -> dict[str, Any]:
    theta = net.params.astype(np.float64)
    X64, labels = np.asarray(X, dtype=np.float64), np.asarray(labels)
    X32 = X64.astype(np.float32)  # the paths' and the line's costs: float32 is plenty
    runs: list[dict[str, Any]] = []
    explained = None
    if directions == "random":
        d1, d2 = random_directions(net, seed)
        center = theta
    elif directions == "path":
        points, seen = path  # type: ignore[misc]
        center = theta
        d1, d2, explained = principal_directions(points, center)
        runs = [{"name": "training", "params": np.asarray(points, dtype=np.float64),
                 "examples_seen": np.asarray(seen).tolist()}]  # fmt: skip
    else:
        budget = examples if examples is not None else 50 * len(labels)
        assert initial is not None  # landscape() checked
        runs = optimizer_paths(net, initial, X64, labels, budget, at_rate(learning_rate), seed=seed)
        center = np.asarray(initial, dtype=np.float64)
        steady = [r for r in runs if not r["diverged"]] or runs  # the plane of those that learn
        d1, d2, explained = principal_directions(
            np.concatenate([r["params"] for r in steady]), center
        )
    projected = [project(r["params"], center, d1, d2) for r in runs]
    # the slice is framed on the paths that did not run away (all of them if none stayed)
    shown = [c for r, (c, _) in zip(runs, projected) if not r.get("diverged")] or [
        c for c, _ in projected
    ]
    if span is None:
        reach = max((float(np.abs(c).max()) for c in shown), default=0.0)
        span = 1.0 if directions == "random" or reach == 0 else round(1.25 * reach, 6)
    alphas = np.linspace(-span, span, grid)
    betas = np.linspace(-span, span, grid)
    if directions == "optimizers":  # the paths all start at the centre: show where they went
        shift = np.mean([c[-1] for c in shown], axis=0)
        alphas, betas = alphas + shift[0] * 0.5, betas + shift[1] * 0.5
    plane = Plane(net, d1, d2, X64, labels, center)
    costs = plane.grid(alphas, betas)
    paths = []
    for run, (coords, off) in zip(runs, projected):
        true = [cost_at(net, p, X32, labels, "float32") for p in run["params"]]
        flat = [plane.cost(a, b) for a, b in coords]  # the plane's value under each point
        steps = np.diff(run["params"], axis=0)
        paths.append(
            {k: v for k, v in run.items() if k != "params"}
            | {
                "points": coords.tolist(),
                "cost_true": true,
                "cost_slice": flat,
                "off_plane": off.tolist(),
                "length": float(np.linalg.norm(steps, axis=1).sum()),
                "travel": float(np.linalg.norm(run["params"][-1] - run["params"][0])),
            }
        )
    line = None
    start = initial if initial is not None else (path[0][0] if path is not None else None)
    if start is not None:
        start = np.asarray(start, dtype=np.float64)
        ts = np.linspace(-0.25, 1.25, 61)
        line = {
            "t": ts.tolist(),
            "cost": [cost_at(net, start + t * (theta - start), X32, labels, "float32") for t in ts],
            "distance": float(np.linalg.norm(theta - start)),
            "init": (
                project(start[None, :], center, d1, d2)[0][0].tolist()
                if directions != "random"
                else None
            ),
            "trained": (
                project(theta[None, :], center, d1, d2)[0][0].tolist()
                if directions != "random"
                else None
            ),
        }
    center_cost = cost_at(net, center, X64, labels)
    return {
        "cost_function": net.cost.name,
        "l2_included": False,
        "split": "train",
        "n_images": len(labels),
        "alphas": alphas.tolist(),
        "betas": betas.tolist(),
        "cost": [[float(f"{c:.6g}") for c in row] for row in costs],
        "center_cost": center_cost,
        "min_cost": float(costs.min()),
        "max_cost": float(costs.max()),
        "levels": levels(float(costs.min()), float(costs.max())),
        "center": "trained" if directions != "optimizers" else "initial",
        "directions": {
            "kind": directions,
            "seed": seed if directions in ("random", "optimizers") else None,
            "norms": [float(np.linalg.norm(d1)), float(np.linalg.norm(d2))],
            "cosine": float(d1 @ d2 / max(np.linalg.norm(d1) * np.linalg.norm(d2), 1e-300)),
            "explained_variance": explained,
            "filter_normalised": directions == "random",
        },
        "line": line,
        "paths": paths,
    }


# ---- the experiment's shape: run, text, picture ----


def initial_config(model: ModelFile) -> TrainConfig | None:
    """The config that rebuilds the model's weights before training (None if it has none)."""
    try:
        config = TrainConfig.from_dict(model.training)
    except (TypeError, ValueError):
        return None
    return config if list(config.sizes) == model.network.sizes else None


def initial_params(model: ModelFile) -> np.ndarray | None:
    """The model's weights before training, rebuilt from its seed (None if it has no config)."""
    config = initial_config(model)
    return None if config is None else config.build_network().params


def directions_for(model: ModelFile, file: Path | None) -> list[str]:
    """The slices the landscape can take for this model: random directions always; the
    recorded path's plane when a path was recorded beside its file; the optimizers when its
    initial weights can be rebuilt."""
    found = ["random"]
    if file is not None and path_file(file).is_file():
        found.append("path")
    if initial_config(model) is not None:
        found.append("optimizers")
    return found


def run(
    inputs: Inputs,
    *,
    directions: str = "random",
    grid: int = 41,
    span: float | None = None,
    n_images: int | None = None,
    examples: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """`landscape` of the model on the first n_images of all the training images."""
    model = load_model(inputs.model) if inputs.model is not None else None
    net = inputs.net()
    train = inputs.data.full_train()
    n = n_images or min(1000 if directions == "optimizers" else 10_000, len(train.labels))
    if n > len(train.labels):
        raise SettingError(f"--n-images must be at most {len(train.labels):,}, got {n:,}")
    path = None
    recorded = path_file(inputs.model) if inputs.model is not None else None
    if directions == "path":
        if recorded is None or not recorded.is_file():
            raise SettingError(
                f"no recorded training path beside the model ({recorded}): train it with "
                "'digitnet train --record-path N'"
            )
        found = load_path(recorded, net.n_params)
        path = (found.params, found.examples)
    initial = initial_params(model) if model is not None else None
    config = initial_config(model) if model is not None else None
    try:
        result = landscape(
            net, train.images[:n], train.labels[:n], directions, seed=seed, grid=grid,
            span=span, initial=initial, path=path, examples=examples,
            learning_rate=config.learning_rate if config is not None else None,
        )  # fmt: skip
    except ValueError as e:
        raise SettingError(str(e)) from None
    return {"model": str(inputs.model), **result, "conclusion": conclusion(result)}


def text(result: dict[str, Any]) -> list[str]:
    return text_report(result).splitlines()[1:]  # the conclusion is printed after the text


def picture(result: dict[str, Any], path: str | Path) -> dict[str, Path]:
    """The contour picture, and the slice and its paths as JSON beside it, each named after
    its directions (``m-landscape-path.png``): a slice of another kind never replaces it."""
    import json

    from ..files import atomic_write_bytes

    path = Path(path)
    path = path.with_name(f"{path.stem}-{result['directions']['kind']}{path.suffix}")
    table = path.with_suffix(".json")
    atomic_write_bytes(table, json.dumps(result).encode())
    return {"picture": write_png(draw(result), path), "slice": table}


# ---- text and picture --------------------------------------------------------------------


def conclusion(r: dict[str, Any]) -> str:
    costs = np.array(r["cost"])
    d = r["directions"]
    text = (
        f"on a {len(r['alphas'])}×{len(r['betas'])} slice ({d['kind']} directions) over "
        f"{r['n_images']:,} {r['split']} images, the cost ({r['cost_function']}, no L2 term) is "
        f"{r['center_cost']:.4g} at the centre, {costs.min():.4g} at the lowest and "
        f"{costs.max():.4g} at the highest point ({costs.max() / max(costs.min(), 1e-12):.3g}× "
        "the lowest)"
    )
    if d["explained_variance"]:
        share = sum(d["explained_variance"])
        text += f"; the plane holds {share:.0%} of the path points' spread about its centre"
    for p in r["paths"]:
        text += (
            f"; {p['name']}: cost {p['cost_true'][0]:.3g} → {p['cost_true'][-1]:.3g}, "
            f"{p['travel']:.3g} from start to end"
        )
    if r["line"]:
        line = r["line"]
        between = [c for t, c in zip(line["t"], line["cost"]) if 0 <= t <= 1]
        falls = all(b <= a for a, b in zip(between, between[1:]))
        lowest = int(np.argmin(line["cost"]))
        text += (
            f"; along the straight line from the initial to the final weights "
            f"({line['distance']:.3g} long) the cost "
            + (
                f"falls all the way, {between[0]:.3g} → {between[-1]:.3g}"
                if falls
                else f"rises to {max(between):.3g} on the way"
            )
        )
        if line["t"][lowest] > 1:
            text += (
                f", and past the final weights it falls further, to {line['cost'][lowest]:.3g} "
                f"at t = {line['t'][lowest]:.3g}"
            )
    return text


def text_report(r: dict[str, Any]) -> str:
    lines = [conclusion(r)]
    for p in r["paths"]:
        worst = max(abs(t - s) for t, s in zip(p["cost_true"], p["cost_slice"]))
        lines.append(
            f"  {p['name']}: {len(p['points'])} points, {p['examples_seen'][-1]:,} examples, "
            f"path length {p['length']:.3g}, farthest off the plane "
            f"{max(p['off_plane']):.3g}, largest |true − plane| cost {worst:.3g}"
        )
    lines.append(f"  computed in {r['elapsed_s']:.2f} s")
    return "\n".join(lines)


def draw(r: dict[str, Any]) -> Image.Image:
    """Log-spaced contours of the slice with the paths on it; the paths' true costs (and the
    init→final line) beside."""
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    fig = figure(12, 5.2)
    left, right = fig.subplots(1, 2, width_ratios=[1.2, 1])
    alphas, betas, costs = np.array(r["alphas"]), np.array(r["betas"]), np.array(r["cost"])
    lv = r["levels"]
    filled = left.contourf(alphas, betas, costs, levels=lv, norm=LogNorm(), cmap="viridis",
                           extend="both")  # fmt: skip
    left.contour(alphas, betas, costs, levels=lv, colors="white", linewidths=0.4)
    fig.colorbar(filled, ax=left, label=f"cost ({r['cost_function']})", format="%.3g")
    centre = (0.0, 0.0)
    where = "initial weights" if r["center"] == "initial" else "trained weights"
    left.plot(*centre, marker="*", color="red", markersize=12, label=where)
    colors = ["tab:orange", "tab:cyan", "tab:pink", "tab:red", "white"]
    for p, color in zip(r["paths"], colors):
        pts = np.array(p["points"])
        left.plot(pts[:, 0], pts[:, 1], "-o", color=color, markersize=2.5, lw=1.2, label=p["name"])
        right.plot(p["examples_seen"], p["cost_true"], color=color, label=f"{p['name']} (true)")
        right.plot(p["examples_seen"], p["cost_slice"], color=color, ls=":", lw=1)
    if r["line"] and r["line"]["init"] is not None and r["center"] != "initial":
        left.plot(*r["line"]["init"], marker="s", color="black", label="initial weights")
    left.set_xlabel("α (direction 1)")
    left.set_ylabel("β (direction 2)")
    left.set_title(f"cost around the weights: {r['directions']['kind']} directions", fontsize=10)
    left.legend(fontsize=7, loc="upper right")
    if r["paths"]:
        right.set_xlabel("training examples seen")
        right.set_ylabel("cost (solid: true, dotted: on the plane)")
        right.set_yscale("log")
        right.legend(fontsize=7)
        right.set_title("the paths' costs", fontsize=10)
    elif r["line"]:
        right.plot(r["line"]["t"], r["line"]["cost"], color="black")
        right.axvline(0, color="grey", lw=0.5)
        right.axvline(1, color="grey", lw=0.5)
        right.set_yscale("log")
        right.set_xlabel("t: θ = θ₀ + t(θ* − θ₀)  (0 initial, 1 trained)")
        right.set_ylabel("cost")
        right.set_title("the straight line from the initial to the trained weights", fontsize=10)
    else:
        mid = len(betas) // 2
        right.plot(alphas, costs[mid], color="black")
        right.set_yscale("log")
        right.set_xlabel("α (β = 0)")
        right.set_title("a cut through the centre", fontsize=10)
    right.yaxis.set_major_formatter(ScalarFormatter())  # plain numbers on the log axis
    right.yaxis.set_minor_formatter(NullFormatter())
    return as_image(fig)
