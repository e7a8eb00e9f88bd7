"""The one real-MNIST accuracy test: the video's network, trained briefly, reads unseen digits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from digitnet.training import PRESETS, fit


@pytest.mark.mnist
def test_video_preset_reaches_94_percent_on_unseen_digits_in_a_short_run():
    from digitnet.data import load_dataset

    data = load_dataset(progress=False)
    # The video recipe with a CI-sized budget: 6 epochs instead of the preset's full run.
    # Measured: 95.42% test accuracy with seed 0 (python -m pytest -m mnist -s -k video_preset).
    config = replace(PRESETS["video"], epochs=6)
    result = fit(data, config)
    last = result.history[-1]
    print(f"\nvideo preset, 6 epochs: test accuracy {last['test_accuracy']:.2%}")
    assert last["test_accuracy"] >= 0.94
    assert last["train_accuracy"] >= 0.93
