"""Training progress: one line per epoch on stdout (the report: the epoch's mean mini-batch cost
and the accuracy on each set), and, only when stderr is a terminal, a tqdm bar per epoch there.

A log that is not a terminal (a file, a pipe) gets the epoch lines alone, no bar fragments.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from .training import BatchEvent, EpochEvent


def legend(sample: int) -> str:
    """What the epoch line's numbers are, said once before the first epoch."""
    return (
        "per epoch: 'mini-batch cost' is the mean cost of the epoch's mini-batches, each taken "
        "just before its step (on the shifted images, if shifting); train / validation / test "
        "are the accuracy of the network at the epoch's end, on unshifted images (train: a "
        f"fixed sample of {sample:,} training images)"
    )


def epoch_line(epoch: int, epochs: int, row: dict[str, float]) -> str:
    """'epoch   3/30  mini-batch cost 0.1234  train 95.10%  validation 95.30% …  0.4s'."""
    parts = [f"epoch {epoch:>3}/{epochs}", f"mini-batch cost {row['batch_cost']:.4f}"]
    for split in ("train", "validation", "test"):
        if f"{split}_accuracy" in row:
            parts.append(f"{split} {row[f'{split}_accuracy']:.2%}")
    parts.append(f"{row['seconds']:.1f}s")
    return "  ".join(parts)


class TrainProgress:
    """An event handler for ``training.train``: the epoch lines, and the bar if it can be drawn.

    ``bar``: draw the bar (default: only if ``err`` is a terminal); ``out``/``err``: the
    streams (default: sys.stdout / sys.stderr at the time of the call).
    """

    def __init__(
        self,
        enabled: bool = True,
        *,
        bar: bool | None = None,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.enabled = enabled
        self.out, self.err = out, err
        self.draw_bar = enabled and (bar if bar is not None else _is_terminal(self._err))
        self.bar: tqdm | None = None
        self.cost = 0.0  # exponential moving average of the mini-batch cost, for the bar

    @property
    def _out(self) -> TextIO:
        return self.out or sys.stdout

    @property
    def _err(self) -> TextIO:
        return self.err or sys.stderr

    def __call__(self, event: BatchEvent | EpochEvent) -> None:
        if not self.enabled:
            return
        if isinstance(event, BatchEvent):
            if self.draw_bar:
                self._advance(event)
        else:
            self.close()
            print(epoch_line(event.epoch, event.epochs, event.row), file=self._out, flush=True)

    def _advance(self, event: BatchEvent) -> None:
        if self.bar is not None and self.bar.desc != f"epoch {event.epoch}":
            self.close()  # the epoch before ended; its line may come later (see training.train)
        if self.bar is None:
            self.bar = tqdm(
                total=event.batches,
                initial=event.batch - 1,  # the bar drawn again after an epoch line
                desc=f"epoch {event.epoch}",
                unit="batch",
                leave=False,
                file=self._err,
                mininterval=0.25,
            )
            self.cost = event.cost
        self.cost += 0.02 * (event.cost - self.cost)
        self.bar.update()
        if self.bar.n == self.bar.total or self.bar.n % 200 == 0:
            self.bar.set_postfix({"mini-batch cost": f"{self.cost:.4f}"}, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
