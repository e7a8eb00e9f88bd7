"""What a sweep leaves on each Dask worker: its dataset, given by a worker plugin. Dask hands
the plugin to every worker once (and to any worker that joins or restarts later), so the
arrays travel once per worker, not once per run; unregistering it takes them away again.

The splits travel as the dataset holds them, a loaded one's as uint8 pixels (a quarter of the
float32 bytes); any floats already made from them stay behind."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from ..data import Dataset, Split

DATASETS: dict[str, Any] = {}  # on a worker: the datasets of the sweeps running there


def bare(data: Dataset) -> Dataset:
    """The three splits as stored (no cached floats), without where they came from."""
    train, validation, test = (
        Split(s.stored, s.labels) for s in (data.train, data.validation, data.test)
    )
    return Dataset(data.name, train, validation, test)


class DataPlugin(WorkerPlugin):
    def __init__(self, name: str, data: Dataset) -> None:
        self.name, self.data = name, bare(data)

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
