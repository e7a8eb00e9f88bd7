"""The real-MNIST tests: the video's network, trained briefly, reads unseen digits; every preset
holds up in short runs, and the video's recipe at every width from 1 to 512 neurons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from digitnet.training import PRESETS, fit


@pytest.fixture(scope="module")
def mnist():
    from digitnet.data import load_dataset

    return load_dataset(progress=False)


@pytest.fixture(scope="module")
def video_run(mnist):
    # The video recipe with a CI-sized budget: 6 epochs instead of the preset's full run.
    return fit(mnist, replace(PRESETS["video"], epochs=6))


@pytest.mark.mnist
def test_video_preset_reaches_94_percent_on_unseen_digits_in_a_short_run(video_run):
    # Measured: 95.07% test accuracy with seed 0 (python -m pytest -m mnist -s -k video_preset);
    # 95.42% before the short-run warm-up.
    result = video_run
    last = result.history[-1]
    print(f"\nvideo preset, 6 epochs: test accuracy {last['test_accuracy']:.2%}")
    assert last["test_accuracy"] >= 0.94
    assert last["train_accuracy"] >= 0.93


@pytest.mark.mnist
def test_every_dream_of_a_modestly_trained_network_is_recognised(mnist):
    from digitnet.experiments import dream, dream_report
    from digitnet.training import TrainConfig

    # The book's recipe for one epoch: 88.0% on the test set with seed 0. Here the old dream
    # (descent on the quadratic cost) left dream 8 with every output off (own output 0.000).
    config = TrainConfig(init="normal", epochs=1, batch_size=10, learning_rate=1.5)
    net = fit(mnist, config).network
    report = dream_report(net, dream(net))
    print(f"\ndreams of a one-epoch network: own outputs {report['own_output']}")
    assert report["failed"] == [], report["conclusion"]
    assert min(report["own_output"]) > 0.5


@pytest.mark.mnist
def test_the_gradients_cosine_rises_with_the_mini_batch_size_on_mnist(mnist, video_run):
    from digitnet.experiments.gradients import gradient

    # With 20 random batches per size it read 1 → −0.007, 10 → 0.092, 100 → 0.032,
    # 1000 → 0.315. One pass's mini-batches (5,000 at most) per size: measured (seed 0, the
    # 10-epoch video model) 0.020 ± 0.002, 0.043 ± 0.002, 0.127 ± 0.007, 0.38 ± 0.02.
    train = mnist.train
    for seed in (0, 1):
        r = gradient(
            video_run.network,
            train.images[0],
            int(train.labels[0]),
            (train.images, train.labels),
            seed=seed,
        )
        means = [c["mean"] for c in r["cosine"].values()]
        print(f"\ncosine by batch size {list(r['cosine'])}, seed {seed}: {means}")
        assert list(r["cosine"]) == ["1", "10", "100", "1000"]
        assert means == sorted(means) and len(set(means)) == 4, r["cosine"]


@pytest.fixture(scope="module")
def small(mnist):
    """The first 10,000 training images (validation and test whole): short runs, quickly."""
    return mnist.subset(10_000)


def validation_accuracy(data, config) -> float:
    return fit(data, replace(config, train_set="train")).history[-1]["validation_accuracy"]


@pytest.mark.mnist
@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_holds_up_in_runs_of_1_2_and_5_epochs(small, preset):
    # Measured (seed 0, validation): video 65.8%, 88.3%, 92.5% (10.2%, 10.6%, 59.8% before
    # its short-run warm-up); book 76.9%, 85.9%, 89.0%; tweaked 92.0%, 94.2%, 96.4%.
    accuracy = [validation_accuracy(small, replace(PRESETS[preset], epochs=e)) for e in (1, 2, 5)]
    print(f"\n{preset}, 1, 2 and 5 epochs on 10,000 images: {accuracy}")
    assert accuracy[0] >= 0.6 and accuracy[1] >= 0.8 and accuracy[2] >= 0.85
    assert accuracy[0] < accuracy[1] < accuracy[2]


@pytest.mark.mnist
@pytest.mark.parametrize("depth", [1, 2])
def test_the_video_recipe_holds_for_every_width_from_1_to_512(small, depth):
    # Measured (seed 0, 2 epochs = 626 steps, validation), widths 1, 2, 4, …, 512: one hidden
    # layer 20.7, 21.4, 63.1, 81.3, 90.5, 92.2, 92.5, 91.7, 91.4, 90.3%; two 13.6, 10.6, 50.1,
    # 75.2, 88.3, 90.3, 90.0, 90.0, 87.6, 83.6% (the widest learn slower per step; with more
    # steps they catch up: docs/experiments.md, capacity). Before (one η for every layer, no
    # warm-up), one hidden layer: 46.4% at 16 neurons, 9.9% at 64 and at 512.
    widths = [2**k for k in range(10)]
    accuracy = {}
    for w in widths:
        config = replace(PRESETS["video"], sizes=(784, *[w] * depth, 10), epochs=2)
        accuracy[w] = validation_accuracy(small, config)
    print(f"\ndepth {depth}, 2 epochs on 10,000 images: {accuracy}")
    wide = [accuracy[w] for w in widths if w >= 16]
    assert min(wide) >= 0.8 and max(wide) - min(wide) <= 0.08, accuracy  # none collapses
    assert accuracy[16] > accuracy[4] > accuracy[1], accuracy  # and fewer neurons do worse
