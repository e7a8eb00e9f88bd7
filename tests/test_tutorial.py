"""docs/tutorial.ipynb runs top to bottom (on a small budget, through its parameters cell), and
the committed copy carries its pictures, so it reads on GitHub without running anything.

After editing docs/tutorial.py, rebuild the notebook with its outputs (full budget, ~1 min):
    python tests/test_tutorial.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK, PAIRED = ROOT / "docs" / "tutorial.ipynb", ROOT / "docs" / "tutorial.py"
SMALL = "EPOCHS = 1  # the test's budget\nTRAIN_IMAGES = 3000\nDREAM_STEPS = 20\n"


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
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute(env={**os.environ, "PYTHONPATH": path})


@pytest.mark.mnist
def test_the_notebook_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = SMALL
    execute(nb, tmp_path)
    assert pictures(nb) >= 10


if __name__ == "__main__":
    notebook = jupytext.read(PAIRED)
    execute(notebook, ROOT / "docs")
    nbformat.write(notebook, NOTEBOOK)
    print(f"wrote {NOTEBOOK} ({NOTEBOOK.stat().st_size:,} bytes, {pictures(notebook)} pictures)")
