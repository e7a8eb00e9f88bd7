"""Reading the book's network2.py JSON: same outputs as the book's forward pass, the ½ of its
quadratic cost accounted for, and every bad or hostile file refused with a one-line reason.

The test files are written from the format's published description (Nielsen, "Neural Networks
and Deep Learning", chapter 3, network2.py's ``save``): a JSON object with ``sizes``,
``weights`` (per layer an (n_out, n_in) nested list), ``biases`` (per layer an (n_out, 1)
column) and ``cost``, the name of the cost class.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import synthetic_digits
from digitnet.book_import import (
    MAX_BYTES,
    BookFileError,
    load_network2,
    parse_network2,
)
from digitnet.network import one_hot


def book_file(sizes, cost="CrossEntropyCost", seed=0) -> dict:
    """A network as network2.py saves it: Gaussian weights and biases, as its default init."""
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in) for n_in, n_out in
               zip(sizes[:-1], sizes[1:])]  # fmt: skip
    biases = [rng.standard_normal((n_out, 1)) for n_out in sizes[1:]]
    return {
        "sizes": list(sizes),
        "weights": [W.tolist() for W in weights],
        "biases": [b.tolist() for b in biases],
        "cost": cost,
    }


def book_feedforward(doc: dict, a: np.ndarray) -> np.ndarray:
    """The oracle: the book's forward pass, one column a (n_in, 1) at a time, sigmoid in every
    layer whatever the cost: a ← σ(w·a + b)."""
    for w, b in zip(doc["weights"], doc["biases"]):
        a = 1.0 / (1.0 + np.exp(-(np.dot(np.array(w), a) + np.array(b))))
    return a


def book_quadratic_cost(doc: dict, X: np.ndarray, labels: np.ndarray) -> float:
    """The book's QuadraticCost, C_x = ½‖a − y‖², averaged over the examples."""
    Y = one_hot(labels, 10, "float64")
    outs = [book_feedforward(doc, x[:, None])[:, 0] for x in X]
    return float(np.mean([0.5 * np.sum((a - y) ** 2) for a, y in zip(outs, Y.T)]))


@pytest.mark.parametrize("cost", ["QuadraticCost", "CrossEntropyCost"])
def test_imported_network_gives_the_books_outputs(tmp_path, cost):
    doc = book_file([784, 30, 10], cost)
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    X = synthetic_digits(40, seed=5).images.astype(np.float64)

    book = load_network2(path)
    ours = book.network.feedforward(X)
    expected = np.stack([book_feedforward(doc, x[:, None])[:, 0] for x in X])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)
    assert book.network.sizes == [784, 30, 10]
    assert book.network.activation == "sigmoid" and book.network.cost.name == "quadratic"
    assert book.book_cost == cost
    np.testing.assert_array_equal(book.network.weights[0], np.array(doc["weights"][0]))
    np.testing.assert_array_equal(book.network.biases[1], np.array(doc["biases"][1])[:, 0])


def test_the_half_in_the_books_quadratic_cost_is_stated_and_accounted_for():
    doc = book_file([784, 12, 10], "QuadraticCost", seed=3)
    book = parse_network2(json.dumps(doc))
    data = synthetic_digits(25, seed=7)
    X = data.images.astype(np.float64)
    assert "½" in book.note and "twice" in book.note
    # digitnet's C = ‖a − y‖² is exactly twice the book's ½‖a − y‖² on the same outputs.
    ours = book.network.mean_cost(X, data.labels)
    assert ours == pytest.approx(2 * book_quadratic_cost(doc, X, data.labels), rel=1e-12)


def test_the_cross_entropy_mapping_says_what_changes():
    book = parse_network2(json.dumps(book_file([4, 3, 2])))
    assert "CrossEntropyCost" in book.note and "sigmoid" in book.note
    assert "\n" not in book.note


def test_deeper_networks_and_integer_weights_import():
    doc = book_file([6, 5, 4, 3], "QuadraticCost")
    doc["weights"][0][0] = [1, 0, -2, 3, 0, 1]  # JSON integers are numbers too
    book = parse_network2(json.dumps(doc).encode())
    X = np.random.default_rng(1).random((7, 6))
    expected = np.stack([book_feedforward(doc, x[:, None])[:, 0] for x in X])
    np.testing.assert_allclose(book.network.feedforward(X), expected, atol=1e-12)


def _with(change) -> str:
    doc = book_file([4, 3, 2])
    change(doc)
    return json.dumps(doc)


BAD_FILES = {
    "not json": (b"\x89PNG\r\n\x1a\n", "not JSON"),
    "not utf-8": (b'{"sizes": "\xff\xfe"}', "not JSON"),
    "empty": (b"", "not JSON"),
    "a list": ("[1, 2, 3]", "expected a JSON object"),
    "no cost": (_with(lambda d: d.pop("cost")), "no 'cost'"),
    "no weights": (_with(lambda d: d.pop("weights")), "no 'weights'"),
    "sizes a string": (_with(lambda d: d.update(sizes="784,30,10")), "sizes must be"),
    "sizes with a float": (_with(lambda d: d.update(sizes=[4, 3.0, 2])), "sizes must be"),
    "sizes with a boolean": (_with(lambda d: d.update(sizes=[4, True, 2])), "sizes must be"),
    "sizes negative": (_with(lambda d: d.update(sizes=[4, -3, 2])), "sizes must be"),
    "one layer": (_with(lambda d: d.update(sizes=[4])), "sizes must be"),
    "huge sizes": (_with(lambda d: d.update(sizes=[784, 10**9, 10])), "parameters; digitnet"),
    "unknown cost": (_with(lambda d: d.update(cost="LogLikelihoodCost")), "cost must be one of"),
    "cost not a string": (_with(lambda d: d.update(cost=["QuadraticCost"])), "cost must be"),
    "sizes mismatch": (_with(lambda d: d.update(sizes=[4, 5, 2])), r"weights\[0\] is a list of 3"),
    "extra layer": (_with(lambda d: d.update(sizes=[4, 3, 2, 2])), "weights must be a list of 3"),
    "short row": (_with(lambda d: d["weights"][1][1].pop()), r"weights\[1\] row 1 is a list of 2"),
    "flat biases": (_with(lambda d: d["biases"].__setitem__(0, [0.1, 0.2, 0.3])), r"biases\[0\]"),
    "string weight": (_with(lambda d: d["weights"][0][2].__setitem__(1, "0.5")), "a string"),
    "null weight": (_with(lambda d: d["weights"][0][0].__setitem__(0, None)), "null"),
    "boolean bias": (_with(lambda d: d["biases"][1][0].__setitem__(0, True)), "a boolean"),
    "nan": (_with(lambda d: d["weights"][0][0].__setitem__(0, float("nan"))), "NaN or inf"),
    "infinity": (_with(lambda d: d["biases"][0][0].__setitem__(0, float("inf"))), "NaN or inf"),
    "overflowing float": (
        '{"sizes": [1, 1], "weights": [[[1e999]]], "biases": [[[0]]], "cost": "QuadraticCost"}',
        "NaN or inf",
    ),  # fmt: skip
    "overflowing integer": (
        '{"sizes": [1, 1], "weights": [[[' + "9" * 400 + ']]], "biases":'
        ' [[[0]]], "cost": "QuadraticCost"}',
        "too large",
    ),  # fmt: skip
    "5000-digit integer": ('{"sizes": [' + "1" * 5000 + "]}", "absurd numbers"),
    "nested deep": ("[" * 100_000 + "]" * 100_000, "absurd numbers or nesting"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_and_hostile_files_get_one_line_errors(name):
    data, match = BAD_FILES[name]
    with pytest.raises(BookFileError, match=match) as caught:
        parse_network2(data)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(BookFileError, match="no such file"):
        load_network2(tmp_path / "missing.json")
    with pytest.raises(BookFileError, match="is a folder"):
        load_network2(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(BookFileError, match=r"bad\.json: not JSON"):
        load_network2(bad)


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as f:  # sparse: no disk used for the hole
        f.truncate(MAX_BYTES + 10)
    with pytest.raises(BookFileError, match="larger than"):
        load_network2(big)
