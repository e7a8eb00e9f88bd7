"""What the page needs from Python without a server: where its files are, and a model as JSON.

Kept apart from `server.py` so that `digitnet export-html` works without FastAPI installed.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np

from ..modelfile import ModelFile

STATIC = Path(__file__).parent / "static"


def encode_array(a: np.ndarray) -> str:
    """Little-endian bytes of a float array, base64: exact and compact for the browser."""
    little_endian = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    return base64.b64encode(little_endian.tobytes()).decode()


def model_json(model: ModelFile, name: str) -> dict[str, Any]:
    """The weights and what the page shows about a model, as JSON."""
    net = model.network
    metrics = {k: v for k, v in model.metrics.items() if k != "history"}
    return {
        "name": name,
        "sizes": net.sizes,
        "activation": net.activation,
        "cost": net.cost,
        "dtype": net.dtype.name,
        "weights": [encode_array(W) for W in net.weights],
        "biases": [encode_array(b) for b in net.biases],
        "metrics": metrics,
        "history": model.metrics.get("history", []),
        "training": {k: model.training.get(k) for k in ("epochs_done", "dataset")},
    }
