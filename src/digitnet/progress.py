"""Training progress in the terminal: a tqdm bar per epoch with the live cost, and one summary
line per epoch with the cost and accuracy on each split."""

from __future__ import annotations

import sys

from tqdm import tqdm

from .training import BatchEvent, EpochEvent


class TrainProgress:
    """An event handler for ``training.train`` that draws progress on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.cost = 0.0  # exponential moving average of the mini-batch cost

    def __call__(self, event: BatchEvent | EpochEvent) -> None:
        if not self.enabled:
            return
        if isinstance(event, BatchEvent):
            if self.bar is None:
                self.bar = tqdm(
                    total=event.batches,
                    desc=f"epoch {event.epoch}",
                    unit="batch",
                    leave=False,
                    file=sys.stderr,
                    mininterval=0.25,
                )
                self.cost = event.cost
            self.cost += 0.02 * (event.cost - self.cost)
            self.bar.update()
            if self.bar.n == self.bar.total or self.bar.n % 200 == 0:
                self.bar.set_postfix(cost=f"{self.cost:.4f}", refresh=False)
        else:
            self.close()
            row = event.row
            parts = [f"epoch {event.epoch:>3}/{event.epochs}", f"cost {row['batch_cost']:.4f}"]
            for split in ("train", "validation", "test"):
                if f"{split}_accuracy" in row:
                    parts.append(f"{split} {row[f'{split}_accuracy']:.2%}")
            parts.append(f"{row['seconds']:.1f}s")
            tqdm.write("  ".join(parts), file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
