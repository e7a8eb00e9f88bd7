"""docs/tutorial.ipynb runs top to bottom, and the committed copy carries its pictures, so it
reads on GitHub without running anything; what it prints is what the code prints now (run at
the committed budget and compared with the numbers masked: another machine's last digits may
differ, the words may not).

After editing docs/tutorial.py, rebuild the notebook with its outputs (full budget, ~1 min):
    python tests/test_tutorial.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK, PAIRED = ROOT / "docs" / "tutorial.ipynb", ROOT / "docs" / "tutorial.py"
NUMBER = re.compile(r"0x[0-9a-f]+|\d[\d,]*(\.\d+)?(e[-+]?\d+)?")  # 9,614  0.0727  1e-06  0x7f…


def pictures(nb) -> int:
    """How many code-cell outputs are images (PNG from PIL or matplotlib, or the SVG diagram)."""
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            count += "image/png" in data or "<svg" in data.get("text/html", "")
    return count


def test_the_committed_notebook_shows_its_pictures_and_stays_small():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert NOTEBOOK.stat().st_size < 2 * 2**20
    assert pictures(nb) >= 10
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors


def test_the_plain_text_twin_has_the_same_cells():
    nb, twin = nbformat.read(NOTEBOOK, as_version=4), jupytext.read(PAIRED)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        (c.cell_type, c.source) for c in twin.cells
    ]


def execute(nb, folder: Path) -> None:
    """Run every cell in a fresh kernel that imports this tree's digitnet, as the tests do."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,  # the widgets' state is their bundle and weights: megabytes
    )  # fmt: skip
    client.execute(env={**os.environ, "PYTHONPATH": path})


def printed(nb) -> list[list[str]]:
    """Each code cell's printed text and text results, line by line (a stream may come in
    pieces), every number masked."""
    said = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        text = "".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in outputs)
        said.append([NUMBER.sub("#", line) for line in text.splitlines()])
    return said


@pytest.mark.mnist
def test_the_notebook_runs_and_prints_what_is_committed(tmp_path):
    """The whole notebook at its own budget (40 epochs of the video's network: 86 s on a busy
    2-core machine) in a fresh kernel; each line it prints, numbers masked, is the committed
    one ("an 8", not "a 8")."""
    committed = nbformat.read(NOTEBOOK, as_version=4)
    fresh = jupytext.read(PAIRED)
    execute(fresh, tmp_path)
    assert pictures(fresh) >= 10
    for cell, now, then in zip(fresh.cells, printed(fresh), printed(committed)):
        assert now == then, f"the committed outputs of this cell are stale:\n{cell.source}"


if __name__ == "__main__":
    notebook = jupytext.read(PAIRED)
    execute(notebook, ROOT / "docs")
    nbformat.write(notebook, NOTEBOOK)
    print(f"wrote {NOTEBOOK} ({NOTEBOOK.stat().st_size:,} bytes, {pictures(notebook)} pictures)")
