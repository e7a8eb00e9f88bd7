"""Networks saved by the book's ``network2.py`` (Nielsen, chapter 3), read into digitnet.

Its ``save`` writes JSON: ``sizes``, ``weights`` (one (n_out, n_in) nested list per layer, the
same layout as digitnet's), ``biases`` (one (n_out, 1) column per layer) and ``cost``, the cost
class's name. Every layer of that network is sigmoid, whatever the cost, so the import keeps
sigmoid outputs and its forward pass is the book's exactly. Only reading: nothing here writes
the book's format, and every file is treated as untrusted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .network import Network, count_params

MAX_BYTES = 200 * 2**20  # ~10M numbers as JSON text; the book's networks are under 2 MB
MAX_PARAMS = 10_000_000  # checked from `sizes` before any array is made
KEYS = ("sizes", "weights", "biases", "cost")

# How each of the book's costs becomes digitnet's, and what the user should know about it.
COST_NOTES = {
    "QuadraticCost": (
        "the book's QuadraticCost is C = ½‖a − y‖²; digitnet's quadratic cost has no ½, "
        "C = ‖a − y‖², so its cost and gradient are twice the book's (the book's η = 3.0 "
        "is digitnet's 1.5); the outputs are the same"
    ),
    "CrossEntropyCost": (
        "the book's CrossEntropyCost, −Σ [y ln a + (1 − y) ln(1 − a)] on sigmoid outputs, has "
        "no digitnet twin (digitnet's cross-entropy goes with softmax outputs); imported with "
        "sigmoid outputs and digitnet's quadratic cost, so the outputs are the book's exactly, "
        "and further training here would use the quadratic cost"
    ),
}


class BookFileError(ValueError):
    """A file that is not a usable network2.py network, with a one-line reason."""


@dataclass(frozen=True)
class BookNetwork:
    """An imported network, the cost the book's file named, and how that cost was mapped."""

    network: Network  # sigmoid throughout, quadratic cost, float64 (JSON numbers are doubles)
    book_cost: str  # "QuadraticCost" or "CrossEntropyCost", as in the file
    note: str  # one line: how the book's cost became digitnet's


def load_network2(path: str | os.PathLike) -> BookNetwork:
    """Read a network2.py JSON file; any problem raises BookFileError naming the file."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BookFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BookFileError(f"{path}: is a folder, not a network file") from None
    except OSError as e:
        raise BookFileError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return parse_network2(data)
    except BookFileError as e:
        raise BookFileError(f"{path}: {e}") from None


def parse_network2(data: bytes | str) -> BookNetwork:
    """Check and convert the JSON text that network2.py's ``Network.save`` writes."""
    if len(data) > MAX_BYTES:
        raise BookFileError(f"larger than {MAX_BYTES // 2**20} MB: not a network2.py network")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BookFileError(f"not JSON ({e})") from None
    except (ValueError, RecursionError):  # a 5,000-digit integer, lists nested 10⁵ deep
        raise BookFileError("not a network2.py network (absurd numbers or nesting)") from None
    if not isinstance(doc, dict):
        raise BookFileError(f"expected a JSON object with keys {list(KEYS)}, got {_kind(doc)}")
    missing = [k for k in KEYS if k not in doc]
    if missing:
        raise BookFileError(f"not a network2.py network: no {', '.join(map(repr, missing))}")

    sizes = doc["sizes"]
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(type(n) is int and n > 0 for n in sizes)
    ):
        raise BookFileError(
            f"sizes must be a list of two or more positive integers, got {_short(sizes)}"
        )
    if count_params(sizes) > MAX_PARAMS:
        raise BookFileError(
            f"sizes {_short(sizes)} make {count_params(sizes):,} parameters; "
            f"digitnet imports at most {MAX_PARAMS:,}"
        )
    cost = doc["cost"]
    if not isinstance(cost, str) or cost not in COST_NOTES:
        raise BookFileError(f"cost must be one of {', '.join(COST_NOTES)}, got {_short(cost)}")
    for key in ("weights", "biases"):
        if not isinstance(doc[key], list) or len(doc[key]) != len(sizes) - 1:
            raise BookFileError(
                f"{key} must be a list of {len(sizes) - 1} layers for sizes {_short(sizes)}, "
                f"got {_kind(doc[key])}"
            )

    net = Network(sizes, "sigmoid", "quadratic", dtype="float64")
    for l, (n_out, n_in) in enumerate(zip(sizes[1:], sizes[:-1])):
        net.weights[l][...] = _matrix(doc["weights"][l], (n_out, n_in), f"weights[{l}]", sizes)
        net.biases[l][...] = _matrix(doc["biases"][l], (n_out, 1), f"biases[{l}]", sizes)[:, 0]
    return BookNetwork(net, cost, COST_NOTES[cost])


def _matrix(rows: Any, shape: tuple[int, int], name: str, sizes: list[int]) -> np.ndarray:
    """A nested list of finite numbers of exactly ``shape`` → float64, or a clear error."""
    expected = f"expected {shape[0]}×{shape[1]} for sizes {_short(sizes)}"
    if not isinstance(rows, list) or len(rows) != shape[0]:
        raise BookFileError(f"{name} is {_kind(rows)}, {expected}")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != shape[1]:
            raise BookFileError(f"{name} row {i} is {_kind(row)}, {expected}")
        if not all(type(v) is float or type(v) is int for v in row):
            bad = next(v for v in row if type(v) is not float and type(v) is not int)
            raise BookFileError(f"{name} row {i} holds {_kind(bad)}, not a number")
    try:
        A = np.array(rows, dtype=np.float64)
    except OverflowError:  # an integer too long for a double
        raise BookFileError(f"{name} holds a number too large for a double") from None
    if not np.all(np.isfinite(A)):  # json reads NaN, Infinity and 1e999 as floats
        raise BookFileError(f"{name} holds NaN or infinity")
    return A


def _short(value: Any) -> str:
    """A value's repr, cut to fit in a one-line error."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: Any) -> str:
    """What a JSON value is, briefly: 'a list of 3', 'a string', …"""
    if isinstance(value, list):
        return f"a list of {len(value)}"
    names = {dict: "an object", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), f"the number {_short(value)}")
