"""The benchmarks run on tiny data and print their table; their baselines compute digitnet's step.

No test here looks at a time: only that the numbers are printed, and that the book's loop and
PyTorch train the very same network as digitnet (same weights in → same weights out).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitnet.network import Network, one_hot

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(BENCH)])}
pytest.importorskip("threadpoolctl")


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def run_script(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, *(["-c", code] if code else [str(BENCH / "bench_train.py")]), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=120)


def has_torch() -> bool:
    return importlib.util.find_spec("torch") is not None


def test_quick_benchmark_prints_table_ratios_and_targets():
    done = run_script("--quick")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "implementation  batch threads   s/epoch   samples/s  digitnet faster" in out
    names = ["digitnet", "book", "book-lean"] + (["torch"] if has_torch() else [])
    for name in names:
        for batch, threads in [(10, 1), (10, 2), (100, 1), (100, 2)]:
            assert any(
                line.split()[:3] == [name, str(batch), str(threads)] for line in out.splitlines()
            )
    assert "52,672 FLOPs per example × 50,000 = 2.63 GFLOP" in out
    assert out.count("float32 matmul 256×256") == 2
    assert out.count("digitnet vs book ") == 4
    assert out.count("digitnet vs book-lean") == 4
    assert out.count("epoch / lower bound") == 4
    assert out.count("(target ≥ 10×)") == 2  # batch 10, both thread counts
    assert out.count("(target ≤ 8×)") == 2  # batch 100
    assert out.count("PASS") + out.count("MISS") == (8 if has_torch() else 4)
    assert "scaled to 50,000" in out


def test_quick_benchmark_json_has_every_row():
    done = run_script("--quick", "--json", "--skip", "torch")  # torch's import alone takes seconds
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {row["implementation"] for row in result["rows"]} == {"digitnet", "book", "book-lean"}
    assert len(result["rows"]) == 3 * 4
    for row in result["rows"]:
        assert row["seconds_per_epoch"] > 0
        assert row["samples_per_second"] == pytest.approx(50_000 / row["seconds_per_epoch"])
    assert result["flops_per_epoch"] == 52_672 * 50_000
    assert set(result["matmul_gflops"]) == {"1", "2"}
    assert "openblas_env" in result["environment"]


def test_without_torch_its_rows_are_skipped_with_instructions():
    script = str(BENCH / "bench_train.py")
    block_torch = (
        "import runpy, sys; sys.modules['torch'] = None; "  # `import torch` now fails
        f"sys.argv = ['bench_train.py', '--quick']; runpy.run_path({script!r}, run_name='__main__')"
    )
    done = run_script(code=block_torch)
    assert done.returncode == 0, done.stderr
    assert "pip install torch==2.13.0" in done.stdout
    assert "torch " not in done.stdout.split("implementation", 1)[1].split("work per epoch")[0]
    assert "digitnet vs torch" not in done.stdout
    assert "digitnet vs book" in done.stdout


def test_bad_arguments_are_one_line_errors():
    done = run_script("--images", "5")
    assert done.returncode == 2
    assert "--images must be" in done.stderr
    assert "Traceback" not in done.stderr


def test_flops_count_every_matrix_product():
    bench = load("bench_train")
    forward = 784 * 16 + 16 * 16 + 16 * 10  # multiply-adds of Wˡ aˡ⁻¹
    back = 16 * 16 + 16 * 10  # (Wˡ)ᵀ δˡ, not down to the pixels
    assert bench.flops_per_example() == 2 * (forward + forward + back)


def batch_and_digitnet_step(m: int = 10):
    """A network, a batch, and the parameters after digitnet's own step −η∇C."""
    rng = np.random.default_rng(5)
    X = rng.random((m, 784), dtype=np.float32)
    labels = rng.integers(0, 10, size=m)
    net = Network(seed=3)
    grad_W, grad_b = net.backprop(X, labels)
    eta = load("bench_train").LEARNING_RATE
    after = [W - eta * g for W, g in zip(net.weights, grad_W)]
    after += [b - eta * g for b, g in zip(net.biases, grad_b)]
    return net, X, labels, after


@pytest.mark.parametrize("variant", ["book", "book-lean"])
def test_book_step_matches_digitnets_step(variant):
    bench = load("bench_train")
    net, X, labels, after = batch_and_digitnet_step()
    dtype = np.float64 if variant == "book" else np.float32
    Ws = [W.astype(dtype) for W in net.weights]
    bs = [b[:, None].astype(dtype) for b in net.biases]
    batch = list(zip(X[:, :, None], one_hot(labels).T[:, :, None]))
    bench.book_step(Ws, bs, batch, bench.SIGMA_PRIMES[variant])
    for got, want in zip(Ws + [b[:, 0] for b in bs], after):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_torch_step_matches_digitnets_step():
    torch = pytest.importorskip("torch")
    bench = load("bench_train")
    net, X, labels, after = batch_and_digitnet_step()
    model, optimizer = bench.torch_model(net)
    bench.torch_step(model, optimizer, torch.from_numpy(X), torch.from_numpy(one_hot(labels).T))
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    got = [layer.weight.detach().numpy() for layer in linears]
    got += [layer.bias.detach().numpy() for layer in linears]
    for g, want in zip(got, after):
        np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-6)


def test_peak_memory_of_a_child_counts_what_it_allocates():
    memory = load("bench_memory")
    code = "import numpy as np; a = np.ones(25_000_000); print(a.sum())"  # 200 MB of float64
    big_parent = np.ones(40_000_000)  # 320 MB here must not count in the child's peak
    mb, status, _ = memory.peak_memory_mb(code, [])
    assert status == 0
    assert 200 < mb < 300
    del big_parent


def test_memory_benchmark_reports_a_failing_train_in_one_line(tmp_path):
    memory = load("bench_memory")
    with pytest.raises(RuntimeError, match="digitnet train exited with status 1: .*"):
        memory.measure_train_memory(str(tmp_path / "no-such-mnist"))


def test_bench_epoch_times_each_way_and_finds_bytes_and_floats_train_alike(tmp_path):
    from digitnet.data import Dataset, Split
    from digitnet.training import TrainConfig

    bench = load("bench_epoch")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(300, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, size=300).astype(np.uint8)
    parts = [Split(pixels[a:b], labels[a:b]) for a, b in ((0, 200), (200, 250), (250, 300))]
    data = Dataset("synthetic", *parts)
    config = TrainConfig(sizes=(784, 8, 10), epochs=4, batch_size=10, shift=1)
    times = bench.epoch_times(data, config, "fit", tmp_path)
    assert len(times["wall"]) == len(times["cpu"]) == 2  # epochs 2 and 3 of 4
    assert all(t > 0 for t in times["wall"]) and times["tail"] > 0
    split = bench.epoch_split(data, config, 1, tmp_path)
    assert set(split) == {"alone", "fit", "old"}
    assert all(set(r) == {"wall", "cpu", "tail"} and r["wall"] > 0 for r in split.values())
    assert (tmp_path / "fit.safetensors").exists() and (tmp_path / "old.safetensors").exists()
    assert not (tmp_path / "alone.safetensors").exists()  # the training alone: no checkpoint
    compared = bench.uint8_vs_float(data, config, repeats=1)
    assert compared["same_weights"] is True


def test_story_seeds_measures_the_numbers_the_readme_quotes_as_ranges():
    from conftest import tiny_data
    from digitnet.training import TrainConfig, fit

    story = load("story_seeds")
    data = tiny_data(n_train=300)
    net = fit(data, TrainConfig(sizes=(784, 12, 10), epochs=3, learning_rate=1.0)).network
    row = story.numbers(net, data)
    assert 0 <= row["noise_confidence"] <= 1 and 0 <= row["noise_top_answer_share"] <= 1
    assert 0 <= row["probe_rejected_at_0.7"] <= 1 and row["probe_sum_low"] <= row["probe_sum_high"]
    assert 0 <= row["dreams_recognised"] <= 10 and row["gradient_top_times_median"] > 1
    cosines = [row[f"cosine_{size}"] for size in (1, 10, 100)]  # 1,000: more than 300 images
    assert "cosine_1000" not in row and cosines == sorted(cosines)
