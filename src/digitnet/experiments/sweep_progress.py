"""A sweep's progress: one line per finished run (through the caller's ``say``), and on a
terminal a bar counting finished runs with which run is on which worker."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from tqdm import tqdm


def short(config: dict[str, Any]) -> str:
    """A run in a few characters: 32-32 s1."""
    return f"{'-'.join(map(str, config['sizes'][1:-1]))} s{config['seed']}"


class SweepProgress:
    """``on_run`` and ``on_start`` handlers for ``sweeps.sweep``. Lines go to ``say`` (none
    when it is None); the bar is drawn on stderr only when that is a terminal."""

    def __init__(
        self,
        total: int,
        say: Callable[[str], None] | None,
        describe: Callable[[dict[str, Any]], str],  # a run's config in words
    ) -> None:
        self.total, self.say, self.describe, self.count = total, say, describe, 0
        self.running: dict[str, str] = {}  # worker → the run it is on
        self.lock = threading.Lock()  # starts arrive on Dask's thread, results on ours
        terminal = say is not None and sys.stderr.isatty()
        self.bar = tqdm(total=total, unit="run", file=sys.stderr, disable=not terminal)

    def started(self, config: dict[str, Any], worker: str) -> None:
        with self.lock:
            self.running[worker] = short(config)
            self._show()

    def finished(self, row: dict[str, Any], cached: bool) -> None:
        with self.lock:
            self.count += 1
            if self.running.get(row.get("worker", "")) == short(row["config"]):
                del self.running[row["worker"]]
            accuracy = "diverged" if row["diverged"] else f"{row['test_accuracy']:.2%}"
            how = "cached" if cached else f"{row['seconds']:.0f} s on {row['worker']}"
            if self.say is not None:
                with tqdm.external_write_mode(file=sys.stderr):  # the bar steps aside
                    self.say(
                        f"  [{self.count}/{self.total}] {self.describe(row['config'])}, seed "
                        f"{row['seed']}: {accuracy} ({how})"
                    )
            self.bar.update()
            self._show()

    def _show(self) -> None:
        running = ", ".join(f"{run} on {worker}" for worker, run in sorted(self.running.items()))
        self.bar.set_postfix_str(f"running: {running}" if running else "", refresh=True)

    def close(self) -> None:
        self.bar.close()
