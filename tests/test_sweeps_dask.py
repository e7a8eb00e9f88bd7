"""Sweeps on a real Dask cluster: a `dask scheduler` and two `dask worker` processes started
here on 127.0.0.1, runs on tiny synthetic data, a worker killed mid-run, the results cache,
Ctrl-C, and the same numbers from the local default cluster. Every process started here is
ended by its PID, and none is left behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

import digitnet
from conftest import tiny_data
from digitnet import cli
from digitnet.experiments import sweeps
from digitnet.training import TrainConfig

# Plain SGD on a few hundred synthetic digits: runs of a fraction of a second that do not all
# reach 100% (so equal numbers mean something).
BASE = TrainConfig(sizes=(784, 8, 10), epochs=2, batch_size=10, learning_rate=0.3)
GRID = sweeps.Grid(layers=((4,), (8,)), learning_rates=(), batch_sizes=(), epochs=())
SRC = str(Path(digitnet.__file__).resolve().parents[1])  # so the workers import this digitnet
DEADLINE = 60  # seconds to wait for a process to be ready before failing


class Cluster:
    """A `dask scheduler` and named `dask worker` processes (no nanny: a killed worker stays
    dead), all on 127.0.0.1, each a process of its own that ``close`` ends by its PID."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"}
        self.procs: dict[str, subprocess.Popen] = {}
        file = folder / "scheduler.json"
        self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", file)
        self.address = _poll(lambda: file.exists() and json.loads(file.read_text())["address"])
        for n in range(workers):
            self._start("worker", self.address, "--name", f"w{n}", "--host", "127.0.0.1")
            self.procs[f"w{n}"] = self.procs.pop("worker")
        self.wait_for_workers(workers)

    def _start(self, kind: str, *argv: object) -> None:
        extra = ["--nthreads", "1", "--no-nanny"] if kind == "worker" else []
        command = [sys.executable, "-m", "dask", kind, *map(str, argv), *extra, "--no-dashboard"]
        self.procs[kind] = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_for_workers(self, n: int) -> None:
        """Poll the scheduler until it counts ``n`` workers."""
        from distributed import Client

        with Client(self.address, timeout=DEADLINE, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=DEADLINE)

    def kill(self, name: str) -> None:
        """kill -9, as a crashed machine would."""
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(timeout=DEADLINE)

    def close(self) -> list[int]:
        """End every process started here (workers first), by PID; return the PIDs."""
        pids = []
        for name in [*sorted(set(self.procs) - {"scheduler"}), "scheduler"]:
            proc = self.procs[name]
            pids += [proc.pid, *(c.pid for c in _children(proc.pid))]
            proc.kill()
            proc.wait(timeout=DEADLINE)
        return pids


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _poll(ready, deadline: float = DEADLINE):
    """Ask ``ready()`` every 50 ms until it answers something true; fail after ``deadline``."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        answer = ready()
        if answer:
            return answer
        time.sleep(0.05)
    raise TimeoutError(f"not ready after {deadline} s")


def _gone(pids: list[int], wait: float = 10) -> bool:
    """Whether every one of ``pids`` has ended (given ``wait`` seconds to finish exiting)."""
    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            procs.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(procs, timeout=wait)
    return not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Shared by the tests that leave its workers alive."""
    started = Cluster(tmp_path_factory.mktemp("dask"), workers=2)
    yield started
    assert _gone(started.close())


@pytest.fixture
def own_cluster(tmp_path):
    """For a test that kills one of its workers."""
    started = Cluster(tmp_path, workers=2)
    yield started
    assert _gone(started.close())


def numbers(result: dict) -> list[tuple]:
    return [
        (r["config"]["sizes"], r["seed"], r["test_accuracy"], r["test_cost"])
        for r in result["runs"]
    ]


def test_every_run_finishes_on_two_workers_and_the_cache_makes_a_rerun_do_nothing(
    cluster, tmp_path
):
    cache = tmp_path / "cache.jsonl"
    data = tiny_data(300)
    base = replace(BASE, epochs=30)
    first = sweeps.sweep(
        data, GRID, seeds=3, base=base, cache_path=cache, scheduler=cluster.address
    )
    assert len(first["runs"]) == 6 and first["new_runs"] == 6
    assert all(r["test_accuracy"] is not None for r in first["runs"])
    assert len({r["worker"] for r in first["runs"]}) == 2 == first["workers"]
    assert {r["worker"].split()[0] for r in first["runs"]} == {"w0", "w1"}
    assert len(cache.read_text().splitlines()) == 6

    cached = []
    again = sweeps.sweep(
        data,
        GRID,
        seeds=3,
        base=base,
        cache_path=cache,
        scheduler="tcp://127.0.0.1:9",  # unreachable: a rerun with nothing new needs no cluster
        on_run=lambda row, was_cached: cached.append(was_cached),
    )
    assert again["new_runs"] == 0 and cached == [True] * 6
    assert numbers(again) == numbers(first)


def test_a_worker_killed_mid_run_loses_only_that_run(own_cluster):
    cluster = own_cluster
    killed: list[str] = []

    def on_start(config: dict, worker: str) -> None:
        if not killed and worker.startswith("w1 "):  # w1 has just started a run: kill it
            killed.append(worker)
            cluster.kill("w1")

    base = replace(BASE, epochs=60)  # about a second a run: killed in the middle of one
    result = sweeps.sweep(
        tiny_data(300), GRID, seeds=2, base=base, scheduler=cluster.address, on_start=on_start
    )
    assert killed, "w1 never started a run"
    assert len(result["runs"]) == 4 and all(r["test_accuracy"] is not None for r in result["runs"])
    workers = [r["worker"].split()[0] for r in result["runs"]]
    assert "w0" in workers  # the survivor ran the lost run again (and w1 finished none after)


def test_the_local_default_and_a_scheduler_give_the_same_numbers(cluster):
    data = tiny_data(300)
    remote = sweeps.sweep(data, GRID, seeds=2, base=BASE, scheduler=cluster.address)
    local = sweeps.sweep(data, GRID, seeds=2, base=BASE, workers=2)
    assert numbers(local) == numbers(remote)
    assert len({a for _, _, a, _ in numbers(local)}) > 1  # not all the same (e.g. all 100%)
    assert all(not r["worker"].startswith("w") for r in local["runs"])  # it did run locally


def test_dask_scheduler_address_from_the_environment(cluster, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.address)
    import dask

    dask.config.refresh()
    try:
        result = sweeps.sweep(tiny_data(300), GRID, seeds=1, base=BASE)
    finally:
        monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
        dask.config.refresh()
    assert {r["worker"].split()[0] for r in result["runs"]} <= {"w0", "w1"}


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(sweeps.SweepError, match="cannot reach the Dask scheduler at tcp://"):
        with sweeps.connect("tcp://127.0.0.1:9", timeout=1):
            pass


def test_cli_ctrl_c_keeps_finished_runs_and_a_rerun_continues(
    capsys, monkeypatch, tmp_path, cluster
):
    data = tiny_data(300)
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": data)
    cache = tmp_path / "sweep-cache.jsonl"
    argv = ["experiment", "sweep", "--layers", "4", "--layers", "8", "--layers", "16"]
    argv += ["--epochs", "100", "--lr", "0.3"]
    argv += ["--seeds", "2", "--out", str(tmp_path), "--scheduler", cluster.address]

    def interrupt_after_the_first_run() -> None:
        _poll(lambda: cache.exists() and cache.read_text().strip())
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C in the terminal would

    threading.Thread(target=interrupt_after_the_first_run, daemon=True).start()
    assert cli.main(argv) == 130
    err = capsys.readouterr().err
    kept = len(cache.read_text().splitlines())
    assert 1 <= kept < 6 and f"interrupted: {kept} of 6 runs finished, kept in {cache}" in err

    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert err.count("(cached)") == kept and err.count("s on w") == 6 - kept
    assert len(cache.read_text().splitlines()) == 6


def test_a_diverging_run_is_a_result_not_a_crash(cluster):
    base = replace(BASE, activation="relu", cost="cross-entropy")
    grid = sweeps.Grid(
        ((8,),), activations=(), learning_rates=(0.05, 1e30), batch_sizes=(), epochs=()
    )
    result = sweeps.sweep(tiny_data(300), grid, seeds=1, base=base, scheduler=cluster.address)
    diverged = {r["config"]["learning_rate"]: r["diverged"] for r in result["runs"]}
    assert diverged == {0.05: False, 1e30: True}
    assert [row["diverged"] for row in result["summary"]] == [0, 1]
    assert "1 run diverged" in result["conclusion"]


def test_the_local_cluster_leaves_no_process_behind(tmp_path):
    before = {p.pid for p in _children(os.getpid())}
    sweeps.sweep(tiny_data(300), GRID, seeds=1, base=BASE, workers=2)
    assert {p.pid for p in _children(os.getpid())} - before == set()


CTRL_C_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from dataclasses import replace
from conftest import tiny_data
from digitnet.experiments import sweeps
from test_sweeps_dask import BASE, GRID
try:
    sweeps.sweep(tiny_data(300), GRID, 3, base=replace(BASE, epochs=100), cache_path=sys.argv[2],
                 workers=2)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_in_a_terminal_stops_the_local_cluster_quietly(tmp_path):
    """A terminal sends Ctrl-C to the whole process group, workers included: only the client
    answers (no worker tracebacks), finished runs stay cached, and no worker is left."""
    cache = tmp_path / "cache.jsonl"
    tests = str(Path(__file__).parent)
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, tests, str(cache)],
        env={**os.environ, "PYTHONPATH": SRC},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
    )
    try:
        _poll(lambda: cache.exists() and cache.read_text().strip())
        workers = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and "Traceback" not in err
    assert 1 <= len(cache.read_text().splitlines()) < 6
    assert len(workers) >= 2 and _gone([w.pid for w in workers])
