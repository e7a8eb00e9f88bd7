"""The web app's state: the dataset it shows and trains on is the served model's own."""

from __future__ import annotations

import pytest

from conftest import tiny_data
from digitnet.data import Dataset
from digitnet.modelfile import save_model
from digitnet.training import TrainConfig, checkpoint_model, fit

pytest.importorskip("fastapi")

from digitnet.web import state  # noqa: E402  (needs FastAPI)


def saved_model(folder, name: str, dataset: str):
    tiny = tiny_data()
    data = Dataset(dataset, tiny.train, tiny.validation, tiny.test)
    result = fit(data, TrainConfig(sizes=(784, 8, 10), epochs=1))
    return save_model(checkpoint_model(result, data), folder / f"{name}.safetensors")


def test_the_served_models_dataset_is_the_one_loaded(tmp_path, monkeypatch):
    loaded: list[str] = []

    def load(name="mnist"):
        loaded.append(name)
        tiny = tiny_data()
        return Dataset(name, tiny.train, tiny.validation, tiny.test)

    monkeypatch.setattr(state, "default_data_loader", load)
    clothes = saved_model(tmp_path, "clothes", "fashion-mnist")
    digits = saved_model(tmp_path, "digits", "mnist")
    served = state.ServerState(tmp_path, model_path=clothes)
    assert served.dataset_name() == "fashion-mnist"
    assert served.dataset().name == "fashion-mnist" and loaded == ["fashion-mnist"]
    served.use_model(digits)
    assert served.dataset().name == "mnist" and loaded == ["fashion-mnist", "mnist"]
    served.use_model(clothes)
    assert served.dataset().name == "fashion-mnist" and len(loaded) == 2  # each loaded once


def test_a_loader_given_to_the_app_serves_every_model(tmp_path):
    given = tiny_data()
    clothes = saved_model(tmp_path, "clothes", "fashion-mnist")
    served = state.ServerState(tmp_path, model_path=clothes, data_loader=lambda: given)
    assert served.dataset() is given


# ---- heavy requests: a bounded pool and queue, answers kept within a size bound (issue 21) ----


def test_heavy_work_beyond_the_pool_and_its_queue_is_refused_with_503_and_retry_after():
    import asyncio
    import threading

    from fastapi import HTTPException

    work = state.HeavyWork(workers=1, queued=1)
    gate = threading.Event()

    async def scenario() -> None:
        running = asyncio.ensure_future(work.run(("a",), lambda: gate.wait(10) and "a"))
        waiting = asyncio.ensure_future(work.run(("b",), lambda: "b"))
        await asyncio.sleep(0.05)  # one computing, one in the queue
        assert work.pending == 2
        with pytest.raises(HTTPException) as refused:
            await work.run(("c",), lambda: "c")
        assert refused.value.status_code == 503 and "busy" in refused.value.detail
        assert refused.value.headers == {"Retry-After": str(state.RETRY_AFTER_SECONDS)}
        gate.set()
        assert (await running, await waiting) == ("a", "b") and work.pending == 0
        work.pending = work.workers + work.queued  # full again: a kept answer still comes back
        assert await work.run(("a",), lambda: "computed again") == "a"
        work.pending = 0
        assert await work.run(("c",), lambda: "c") == "c"

    asyncio.run(scenario())
    work.pool.shutdown()


def test_heavy_answers_are_kept_by_their_inputs_within_the_size_bound():
    import asyncio

    work = state.HeavyWork(workers=1, queued=0, cache_bytes=1000)
    made: list[int] = []

    def answer(i: int):
        made.append(i)
        return {"i": i, "values": [0.5] * 50}  # about 270 bytes of JSON

    async def scenario() -> None:
        for i in range(10):
            await work.run(("x", i), lambda i=i: answer(i))
            assert work.cached_bytes <= 1000
        assert [key[1] for key in work.cache] == [7, 8, 9]  # the most recent that fit
        made.clear()
        assert (await work.run(("x", 8), lambda: answer(8)))["i"] == 8 and made == []  # kept
        await work.run(("x", 0), lambda: answer(0))  # gone: computed again, 7 makes room
        assert made == [0] and [key[1] for key in work.cache] == [9, 8, 0]
        huge = {"values": [0.5] * 1000}  # larger than the whole bound: answered, never kept
        assert await work.run(("huge",), lambda: huge) is huge and ("huge",) not in work.cache

    asyncio.run(scenario())
    work.pool.shutdown()
