"""What a sweep leaves on each Dask worker: its dataset, given by a worker plugin. Dask hands
the plugin to every worker once (and to any worker that joins or restarts later), so the
arrays travel once per worker, not once per run; unregistering it takes them away again."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

DATASETS: dict[str, Any] = {}  # on a worker: the datasets of the sweeps running there


class DataPlugin(WorkerPlugin):
    def __init__(self, name: str, data: Any) -> None:
        self.name, self.data = name, data

    def setup(self, worker: Any) -> None:
        DATASETS[self.name] = self.data

    def teardown(self, worker: Any) -> None:
        DATASETS.pop(self.name, None)


def dataset(name: str) -> Any:
    """The dataset the plugin ``name`` left on this worker."""
    try:
        return DATASETS[name]
    except KeyError:
        raise RuntimeError(f"this worker has no dataset {name!r}: its plugin never ran") from None
