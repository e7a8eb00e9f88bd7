"""web/export.py: the exported page carries a few test images of the model's own dataset, from
the local cache only (never downloaded), for the Backprop view's step."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from digitnet.web.export import export_html, held_out_digits

SAMPLES = re.compile(r'<script type="application/json" id="digitnet-samples">(.*?)</script>')


def samples_in(page: str) -> list[dict] | None:
    found = SAMPLES.search(page)
    return json.loads(found.group(1)) if found else None


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_no_cache_no_images_and_no_download(tmp_path, monkeypatch, trained, dataset):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # an empty cache
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    assert held_out_digits(dataset) is None
    model = replace(trained, training={**trained.training, "dataset": dataset})
    page = export_html(model, "m.safetensors")
    assert samples_in(page) is None and "<title>digitnet: m.safetensors</title>" in page
    assert list(tmp_path.iterdir()) == []  # nothing fetched into the cache


def test_given_images_go_in_as_given(trained):
    given = [{"index": 3, "label": 5, "pixels_255": [0] * 784}]
    assert samples_in(export_html(trained, "m.safetensors", given)) == given
    assert samples_in(export_html(trained, "m.safetensors", [])) is None


@pytest.mark.mnist
def test_a_digit_model_carries_the_first_mnist_test_digits(trained):
    model = replace(trained, training={**trained.training, "dataset": "mnist"})
    found = samples_in(export_html(model, "m.safetensors"))
    assert [s["label"] for s in found] == [7, 2, 1, 0, 4, 1, 4, 9]  # MNIST's first test labels
    assert all(len(s["pixels_255"]) == 784 and max(s["pixels_255"]) > 200 for s in found)


@pytest.mark.parametrize(
    "line",
    [
        'import { value as quantity } from "./b.js";',  # an alias: lost by concatenation
        'import { value } from "./b.js"; // a comment after it',
        'import * as b from "./b.js";',
    ],
)
def test_an_import_the_page_cannot_join_is_refused_by_name(tmp_path, monkeypatch, line):
    from digitnet.web import export

    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "b.js").write_text("export const value = 1;\n")
    (tmp_path / "js" / "a.js").write_text(f"{line}\nexport const a = 2;\n")
    monkeypatch.setattr(export, "STATIC", tmp_path)
    with pytest.raises(RuntimeError, match="a.js: an import the exported page cannot join"):
        export.bundle("a.js")


def test_the_pages_own_modules_join_into_one_script():
    from digitnet.web.export import bundle

    assert "\nimport " not in bundle()
