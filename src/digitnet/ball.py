"""The ball on the real landscape: a training run's weights θ followed, while it trains, on a
plane of the real cost, C(θ₀ + α d₁ + β d₂). The plane goes through the run's initial weights
θ₀ towards the weights now (d₁) and along the direction in which the way so far leaves that
line most (d₂, the landscape's principal direction of what is left); when the ball nears the
edge of the slice or drifts far off its plane, a new one is laid through the way so far (at
once if the ball has left the slice). A `Ball` is an ``on_event`` handler for
``training.train``; what it finds goes to ``emit`` as dicts: a "plane" (the slice's costs and
the trail re-projected onto it), then "ball" positions (α, β), each with its true cost, the
plane's cost under it and its distance off the plane. It leaves out momentum's velocity and
the L2 term (the cost is the model's own).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .experiments.landscape import Plane, levels, principal_directions, project, random_directions
from .network import Network

GRID = 21  # points per side of each slice
RATE = 20.0  # positions a second at most (the page wants 10 or more)
BUDGET = 0.03  # the share of the training thread's time the positions may take, and the slices too
KEEP = 48  # the θ's kept to lay the next plane through, thinned evenly as the run goes on …
KEEP_BYTES = 64_000_000  # … fewer for wide networks: at most this much memory (float32)
EVAL_WORK = 2_700_000  # images × parameters of one true cost: 200 for the video network
MIN_IMAGES, MAX_IMAGES = 50, 200
HEAD_START = 0.05  # seconds of the training thread's time for slices at the start, beyond the
# budget: the way turns most in the first steps
INNER = 0.9  # a new slice when the ball leaves the middle 90% of this one, either way …
DRIFT = 0.5  # … or when it is farther off the plane than half its distance from θ₀ on it
REACH = 1.1  # the slice's half-width, in units of the farthest point of the way so far


def images_for(n_params: int) -> int:
    """How many images the true costs and the slices are measured on: fewer for wide nets, so
    that a position costs about the same (200 for 13,002 parameters, 50 from 52,000 up)."""
    return int(np.clip(EVAL_WORK // max(n_params, 1), MIN_IMAGES, MAX_IMAGES))


class Ball:
    """Follows a training run on a plane of its real cost; an ``on_event`` handler.

    like: a network of the run's shape (sizes, σ, cost); initial: θ₀, the run's weights before
    its first step (flat, laid out like ``params``); X, labels: training images (rows) the
    costs are measured on (the first ``images_for(n_params)`` of them); emit: takes each
    "plane" and "ball" dict. At most ``rate`` positions a second, and fewer if they would take
    more than ``budget`` of the time; one more after every epoch and at ``finish``. clock: the
    time (wall); work: the CPU time the ball takes from the training thread, what the budget
    counts (a busy machine's waits are not the ball's).
    """

    def __init__(
        self,
        like: Network,
        initial: np.ndarray,
        X: np.ndarray,
        labels: np.ndarray,
        emit: Callable[[dict[str, Any]], None],
        *,
        rate: float = RATE,
        budget: float = BUDGET,
        grid: int = GRID,
        seed: int = 0,
        clock: Callable[[], float] = time.perf_counter,
        work: Callable[[], float] = time.thread_time,
    ) -> None:
        n = min(images_for(like.n_params), len(labels))
        self.X = np.asarray(X[:n], dtype=np.float32)
        self.labels = np.asarray(labels[:n])
        self.emit, self.rate, self.budget, self.grid = emit, rate, budget, grid
        self.clock, self.work, self.seed = clock, work, seed
        self.net = Network(like.sizes, like.activation, like.cost.name, dtype="float32")
        self.initial = np.asarray(initial, dtype=np.float64)
        self.kept = [self.initial.astype(np.float32)]  # θ's the next plane is laid through
        self.kept_steps = [0]
        self.kept_costs = [self.true_cost(self.initial)]
        self.every, self.count = 1, 0  # keep every `every`-th position
        self.keep_most = int(np.clip(KEEP_BYTES // (4 * like.n_params), 8, KEEP))
        self.plane: Plane | None = None
        self.planes = 0  # how many have been laid
        self.window = np.zeros((2, 2))  # [[α low, α high], [β low, β high]]
        self.next_time = 0.0
        self.started: float | None = None
        self.work_started = 0.0
        self.laying = 0.0  # the training thread's seconds spent laying slices
        self.placing = 0.0  # … and placing the ball
        self.step: int | None = None  # mini-batch steps taken so far (None: none yet)
        self.epoch = 0
        self.last_step = -1

    # ---- the training run's events ----

    def __call__(self, event: Any) -> None:
        """A BatchEvent: a position when one is due, and always at an epoch's last mini-batch
        (an EpochEvent may come later, once the epoch is measured: it is let pass)."""
        if not hasattr(event, "batch"):
            return
        self.step = (event.epoch - 1) * event.batches + event.batch
        self.epoch = event.epoch
        now = self.clock()
        if self.started is None:  # the first position a moment in: θ₀ starts the trail
            self.started, self.next_time = now, now + 1.0 / self.rate
            self.work_started = self.work()
        due = now >= self.next_time and self.placing <= self.budget * (
            self.work() - self.work_started
        )  # at most `rate` a second, and within the budget of the training's time
        if not due and event.batch < event.batches:
            return
        self.next_time = now + 1.0 / self.rate
        laying, working = self.laying, self.work()
        self.position(event.network.params, self.step)
        self.placing += self.work() - working - (self.laying - laying)  # slices: their own budget

    def finish(self, params: np.ndarray) -> None:
        """The run's last θ, unless it was the last position already (a run stopped early)."""
        if self.step is not None:
            self.position(params, self.step)

    # ---- positions and planes ----

    def true_cost(self, theta: np.ndarray) -> float:
        """C(θ) on the ball's images: the model's own cost, no L2 term."""
        self.net.params[...] = theta
        return self.net.mean_cost(self.X, self.labels)

    def position(self, params: np.ndarray, step: int) -> dict[str, Any] | None:
        """Put the ball at θ = params (laying a new plane first if it is off the slice)."""
        if step == self.last_step:
            return None
        self.last_step = step
        theta = np.asarray(params, dtype=np.float64)
        cost = self.true_cost(theta)
        if not (math.isfinite(cost) and np.isfinite(theta).all()):
            return None  # a run gone to infinity: the ball stays where it was last seen
        plane = self.plane if self.plane is not None else self.lay(theta)
        coords, off = self.where(theta)
        if self.due(coords, off):
            plane = self.lay(theta)
            coords, off = self.where(theta)
        alpha, beta = (float(c) for c in coords)
        self.keep(theta, step, cost)
        ball = {
            "type": "ball",
            "plane": self.planes,
            "alpha": alpha,
            "beta": beta,
            "cost_true": cost,
            "cost_plane": float(plane.cost(alpha, beta)),
            "off_plane": float(off),
            "step": step,
            "epoch": self.epoch,
        }
        self.emit(ball)
        return ball

    def keep(self, theta: np.ndarray, step: int, cost: float) -> None:
        self.count += 1
        if self.count % self.every:
            return
        self.kept.append(theta.astype(np.float32))
        self.kept_steps.append(step)
        self.kept_costs.append(cost)
        if len(self.kept) > self.keep_most:  # every other one goes (θ₀ stays), twice as far apart
            self.kept = self.kept[::2]
            self.kept_steps = self.kept_steps[::2]
            self.kept_costs = self.kept_costs[::2]
            self.every *= 2

    def where(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """θ's (α, β) on the current plane, and how far off it θ is."""
        (coords,), (off,) = project(theta[None, :], self.initial, *self.directions)
        return coords, float(off)

    def due(self, coords: np.ndarray, off: float) -> bool:
        """Whether to lay a new slice for the ball at (α, β) = coords, `off` the plane: always
        when it is off this slice (it stays in view); when it is off the slice's middle or far
        off its plane, if the time spent laying slices so far is within the budget (of the
        training thread's time since the first position)."""
        middle = self.window.mean(axis=1)
        half = (self.window[:, 1] - self.window[:, 0]) / 2
        if np.any(np.abs(coords - middle) > half):
            return True
        if self.laying > self.budget * (self.work() - self.work_started) + HEAD_START:
            return False
        return bool(
            np.any(np.abs(coords - middle) > INNER * half) or off > DRIFT * np.linalg.norm(coords)
        )

    def lay(self, theta: np.ndarray) -> Plane:
        """A new plane through θ₀ and the way so far (θ last), its slice, and the trail on it."""
        started, working = self.clock(), self.work()
        points = np.vstack([np.stack(self.kept).astype(np.float64), theta[None, :]])
        offsets = points - self.initial
        d1 = unit(offsets[-1])  # towards the ball: it lies on the plane when it is laid
        if not d1.any():  # θ has not moved yet: any direction will do until it does
            d1 = unit(random_directions(self.net, self.seed + 1)[0])
        # d₂: the way so far, where it leaves the line θ₀ → θ (its leading direction there)
        aside = offsets - np.outer(offsets @ d1, d1)
        d2, _, _ = principal_directions(aside, np.zeros_like(theta))
        if not d2.any():  # a straight way so far: a random second direction
            d2 = random_directions(self.net, self.seed)[0]
        d2 = unit(d2 - (d2 @ d1) * d1)
        coords, off = project(points, self.initial, d1, d2)
        if coords[-1, 1] < 0:  # β of the ball ≥ 0 (α is already)
            d2, coords = -d2, coords * [1.0, -1.0]
        self.directions = (d1, d2)
        spread = float((offsets**2).sum())
        held = 1.0 - float((off**2).sum()) / spread if spread > 0 else 1.0
        reach = max(float(np.linalg.norm(coords, axis=1).max()), 1e-6)
        middle = 0.5 * coords[-1]  # halfway from θ₀ to the ball: room behind and ahead
        half = REACH * reach
        self.window = np.stack([middle - half, middle + half], axis=1)
        alphas = np.linspace(self.window[0, 0], self.window[0, 1], self.grid)
        betas = np.linspace(self.window[1, 0], self.window[1, 1], self.grid)
        self.plane = plane = Plane(self.net, d1, d2, self.X, self.labels, self.initial)
        costs = plane.grid(alphas, betas)
        self.planes += 1
        finite = costs[np.isfinite(costs)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (1.0, 1.0)
        self.emit(
            {
                "type": "plane",
                "id": self.planes,
                "step": self.last_step,  # laid for the ball of this step, which comes next
                "alphas": alphas.tolist(),
                "betas": betas.tolist(),
                "cost": [
                    [float(f"{c:.6g}") if math.isfinite(c) else None for c in row] for row in costs
                ],  # None: beyond float range
                "min_cost": low,
                "max_cost": high,
                "levels": levels(low, high),
                "center": "initial",
                "center_cost": self.kept_costs[0],
                "held": held,  # the share of the way's Σ‖θ − θ₀‖² on the plane
                "n_images": len(self.labels),
                "trail": [
                    {"alpha": float(a), "beta": float(b), "cost_true": c, "step": s}
                    for (a, b), c, s in zip(coords[:-1], self.kept_costs, self.kept_steps)
                ],
                "elapsed_s": round(self.clock() - started, 4),
            }
        )
        self.laying += self.work() - working
        return plane


def unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v
