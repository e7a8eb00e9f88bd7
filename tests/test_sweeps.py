"""The sweep on tiny synthetic data: its grid, cache, summary, files and command line. The runs
go to a Dask cluster inside this process (threads; the real processes are in
test_sweeps_dask.py), or to the default local cluster where the command line is tested."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from digitnet import cli
from digitnet.experiments import sweeps
from digitnet.training import TrainConfig

PNG = b"\x89PNG"
BASE = TrainConfig(sizes=(784, 8, 10), epochs=2, batch_size=10, learning_rate=0.5)
SMALL = sweeps.Grid(layers=((8,), (16,)), learning_rates=(), batch_sizes=(), epochs=())


@pytest.fixture(scope="module")
def in_process():
    """A Dask cluster of two one-thread workers in this process: its inproc:// address."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False),
    ):
        yield cluster.scheduler_address


@pytest.fixture
def fake_data(monkeypatch, tiny):
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": tiny)
    return tiny


def test_grid_counts_its_configurations_and_keeps_the_base_where_empty():
    assert SMALL.size(BASE) == 2 and len(SMALL.configs(BASE, 3)) == 2 * 3
    grid = sweeps.Grid(activations=("sigmoid", "relu"), epochs=(1, 2))
    assert grid.size(BASE) == 3 * 2 * 2
    configs = SMALL.configs(replace(BASE, learning_rate=0.25), 1)
    assert {c.learning_rate for c in configs} == {0.25} and {c.epochs for c in configs} == {2}
    assert [c.sizes for c in configs] == [(784, 8, 10), (784, 16, 10)]


def test_sweep_resumes_from_its_cache(tiny, tmp_path, in_process):
    cache = tmp_path / "cache.jsonl"
    first = sweeps.sweep(tiny, SMALL, 2, base=BASE, cache_path=cache, scheduler=in_process)
    assert first["new_runs"] == 4 and len(cache.read_text().splitlines()) == 4
    assert len(first["summary"]) == 2 and all(r["seeds"] == 2 for r in first["summary"])

    lines = cache.read_text().splitlines()
    cache.write_text("\n".join(lines[:1] + lines[2:] + ["not json"]) + "\n")  # one run lost
    seen = []
    again = sweeps.sweep(
        tiny,
        SMALL,
        2,
        base=BASE,
        cache_path=cache,
        scheduler=in_process,
        on_run=lambda row, cached: seen.append((row["config"], cached)),
    )
    assert again["new_runs"] == 1
    assert [config for config, cached in seen if not cached] == [json.loads(lines[1])["config"]]
    same = [r["test_accuracy_mean"] for r in again["summary"]]
    assert same == [r["test_accuracy_mean"] for r in first["summary"]]  # training is seeded


def test_each_row_says_where_and_how_long_it_ran(tiny, in_process):
    result = sweeps.sweep(tiny, SMALL, 1, base=BASE, scheduler=in_process)
    for row in result["runs"]:
        assert "(inproc://" in row["worker"] and row["seconds"] > 0
        assert 0 <= row["test_accuracy"] <= 1 and row["parameters"] in (6370, 12730)
    assert result["workers"] in (1, 2) and result["data_bytes"] > 250 * 784 * 4


def test_summary_is_mean_and_std_over_seeds():
    def run(accuracy, diverged=False) -> dict:
        return {
            "config": BASE.to_dict(),
            "parameters": 6370,
            "seconds": 1.0,
            "diverged": diverged,
            "test_accuracy": None if diverged else accuracy,
        }

    [row] = sweeps.summarise([run(0.9), run(0.8), run(None, diverged=True)])
    assert row["test_accuracy_mean"] == pytest.approx(0.85)
    assert row["test_accuracy_std"] == pytest.approx(0.05)
    assert row["seeds"] == 3 and row["diverged"] == 1


def test_sweep_writes_csv_json_and_chart(tiny, tmp_path, in_process):
    result = sweeps.sweep(tiny, SMALL, 2, base=BASE, scheduler=in_process)
    paths = sweeps.write_outputs(result, tmp_path)
    header = paths["csv"].read_text().splitlines()[0]
    assert "test_accuracy_mean" in header and "parameters" in header
    assert json.loads(paths["json"].read_text())["seeds"] == 2
    assert paths["picture"].read_bytes().startswith(PNG)


# ---- the command line ----------------------------------------------------------------------


def test_cli_sweep_on_the_default_local_cluster_lists_runs_with_their_workers(
    capsys, fake_data, tmp_path
):
    argv = ["experiment", "sweep", "--layers", "8", "--layers", "4", "4", "--epochs", "1"]
    argv += ["--lr", "1.0", "--seeds", "2", "--workers", "2", "--out", str(tmp_path)]
    assert cli.main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["hidden"] for r in payload["summary"]] == ["8", "4-4"]
    assert len(payload["runs"]) == 4 and all(r["worker"] for r in payload["runs"])
    assert payload["workers"] >= 1 and payload["new_runs"] == 4
    assert (tmp_path / "sweep.csv").exists() and (tmp_path / "sweep.png").exists()
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert err.count("(cached)") == 4 and "± " in out


def test_cli_sweep_runs_a_repeated_value_once(capsys, fake_data, tmp_path, in_process):
    argv = ["experiment", "sweep", "--layers", "8", "--layers", "8", "8", "--layers", "8"]
    argv += ["--epochs", "1", "1", "--lr", "1", "1.0", "--seeds", "1"]
    argv += ["--scheduler", in_process, "--out", str(tmp_path)]
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert "[2/2]" in err and "[3/" not in err and "/3]" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--activation", "tanh"], "invalid choice: 'tanh'"),
        (["--layers", "16", "x"], "expected a whole number"),
        (["--scheduler", "127.0.0.1"], "expected a scheduler address such as tcp://"),
        (["--study", "capacity", "--layers", "8"], "--study capacity sets the layers"),
        (["--workers", "0"], "must be at least 1"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "a --scheduler has its own"),
    ],
)
def test_cli_bad_sweep_options_are_usage_errors(capsys, fake_data, argv, message):
    try:
        code = cli.main(["experiment", "sweep", *argv])
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_unreachable_scheduler_is_one_line(capsys, fake_data, tmp_path, monkeypatch):
    monkeypatch.setattr(sweeps, "connect", _quick(sweeps.connect))
    argv = ["experiment", "sweep", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("digitnet experiment: error: cannot reach the Dask scheduler")
    assert len(err.strip().splitlines()) == 1


def _quick(connect):
    """connect with a one-second timeout, so the test does not wait ten."""
    return lambda scheduler=None, workers=None, timeout=10.0: connect(scheduler, workers, 1.0)


def test_sweep_picture_labels_lean_inward_so_none_is_cut_off():
    rows = [
        {"hidden": h, "learning_rate": 1.5, "batch_size": 10, "epochs": 3, "activation": "sigmoid",
         "parameters": n, "test_accuracy_mean": a, "test_accuracy_std": 0.002}
        for h, n, a in (("16-16", 13002, 0.936), ("32-32", 26506, 0.957), ("64-64", 55050, 0.968))
    ]  # fmt: skip
    fig = sweeps.sweep_figure({"summary": rows, "seeds": 2})
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if "η1.5" in t.get_text()]
    assert [t.get_ha() for t in labels] == ["left", "left", "right"]
    box = ax.get_window_extent()
    for t in labels:
        extent = t.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1  # inside the axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["13,002", "26,506", "55,050"]


# ---- the capacity study ----------------------------------------------------------------------


def test_capacity_grid_is_every_width_at_every_depth():
    grid = sweeps.capacity_grid(2)
    assert len(grid.layers) == 10 * 3 and grid.epochs == (2,)
    assert grid.layers[0] == (1,) and grid.layers[9] == (512,) and grid.layers[-1] == (512,) * 3
    assert len(grid.configs(sweeps.BASE, 3)) == 90


def _row(width: int, depth: int, mean: float, std: float = 0.002) -> dict:
    sizes = [784, *[width] * depth, 10]
    return {
        "hidden": "-".join(map(str, sizes[1:-1])),
        "width": width,
        "depth": depth,
        "parameters": sweeps.count_params(sizes),
        "test_accuracy_mean": mean,
        "test_accuracy_std": std,
        "epochs": 3,
    }


def test_a_one_configuration_sweep_is_not_called_best_and_worst():
    """Issue 21, point 11: one configuration, one seed, one run, one worker: singulars."""
    config = {"sizes": [784, 4, 10], "activation": "sigmoid", "learning_rate": 0.5}
    run = {"config": {**config, "batch_size": 32, "epochs": 1}, "parameters": 3180}
    run |= {"test_accuracy": 0.5, "diverged": False, "seconds": 2.0, "validation_accuracy": 0.5}
    result = {"summary": sweeps.summarise([run]), "seeds": 1, "new_runs": 1, "workers": 1}
    result |= {"seconds": 3.0, "data_bytes": 1e6, "data_seconds": 0.1}
    text = sweeps._conclusion(result)
    assert text.startswith("one configuration: 784-4-10 sigmoid, η 0.5, batch 32, 1 epoch at")
    assert "over 1 seed (" in text and "best" not in text and "worst" not in text
    assert sweeps.text(result)[-1].startswith("1 run in 3 s on 1 worker (")


def test_capacity_conclusion_is_worded_from_the_numbers():
    summary = [
        _row(16, 1, 0.950),
        _row(32, 1, 0.962),
        _row(64, 1, 0.970),
        _row(16, 2, 0.955),
        _row(32, 2, 0.975),  # beats 32 at depth 1 by more than twice the spread
        _row(64, 2, 0.971),  # does not
        _row(16, 3, 0.940),
        _row(32, 3, 0.976),
        _row(64, 3, 0.972),
    ]
    text = sweeps.capacity_conclusion(summary)
    assert "the smallest network to reach 96% on average is 784-32-10 (25,450 parameters" in text
    assert "none reaches 98% on average (best: 784-32-32-32-10, 97.60% ± 0.20%)" in text
    assert "the video's 784-16-16-10 (13,002) gets 95.50% ± 0.20%" in text
    assert "a second hidden layer helps at widths 16, 32 (by more than twice" in text
    assert "at no width above 32" in text
    assert "a third helps at no width by more than twice the seeds' spread" in text


def test_the_capacity_study_runs_its_grid_and_draws_its_picture(tiny, tmp_path, in_process):
    import numpy as np
    from PIL import Image

    from digitnet.experiments import Inputs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweeps, "WIDTHS", (1, 2))  # every depth, at two widths: small and quick
        result = sweeps.run(
            Inputs(tiny, folder=tmp_path),
            study="capacity",
            epochs=[1],
            seeds=2,
            scheduler=in_process,
        )
    assert result["study"] == "capacity" and len(result["runs"]) == 2 * 3 * 2
    assert sorted({(r["width"], r["depth"]) for r in result["summary"]}) == [
        (w, d) for w in (1, 2) for d in (1, 2, 3)
    ]
    assert "reach 96%" in result["conclusion"] or "reaches 96%" in result["conclusion"]
    image = sweeps.draw(result)
    assert isinstance(image, Image.Image) and image.width > 600
    files = sweeps.picture(result, tmp_path / "capacity.png")
    assert files["picture"] == tmp_path / "capacity.png" and files["csv"].name == "capacity.csv"
    with Image.open(files["picture"]) as saved:
        assert np.array_equal(np.asarray(saved.convert("RGB")), np.asarray(image.convert("RGB")))


@pytest.mark.mnist
def test_the_default_sweep_tells_the_story_more_neurons_do_better(tmp_path):
    """With its default seeds and settings, on MNIST: 16-16 < 32-32 < 64-64 on average, each
    step larger than the seeds' spread (so one unlucky run cannot turn it around)."""
    from digitnet.data import load_dataset
    from digitnet.experiments import Inputs

    data = load_dataset(progress=False)
    result = sweeps.run(Inputs(data, folder=tmp_path), workers=2)
    means = [r["test_accuracy_mean"] for r in result["summary"]]
    spreads = [r["test_accuracy_std"] for r in result["summary"]]
    assert [r["hidden"] for r in result["summary"]] == ["16-16", "32-32", "64-64"]
    for k in (1, 2):
        assert means[k] - means[k - 1] > 2 * max(spreads[k], spreads[k - 1]), result["summary"]


def test_the_workers_get_the_splits_as_stored_and_not_the_floats_made_from_them(tiny):
    from digitnet.data import Dataset, Split
    from digitnet.experiments.sweep_worker import DataPlugin

    def as_loaded(split: Split) -> Split:  # uint8 pixels, as the loader holds MNIST
        return Split(np.rint(split.images * 255).astype(np.uint8), split.labels)

    splits = (tiny.train, tiny.validation, tiny.test)
    loaded = Dataset("like-mnist", *(as_loaded(s) for s in splits))
    floats = loaded.train.images  # made and cached on the client's split
    sent = DataPlugin("p", loaded).data
    assert sent.train.stored is loaded.train.stored and sent.train.stored.dtype == np.uint8
    assert "images" not in vars(sent.train)  # the cached floats stay behind
    assert np.array_equal(sent.train.images, floats)  # the worker makes the same ones
