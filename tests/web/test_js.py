"""The page's JavaScript, held like the Python: prettier's format (100 columns, pinned in
package.json, installed by `npm ci`) changes nothing, and the unit tests of its pure functions
pass under Node's own test runner (tests/js/*.test.js)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
# every .js, .css and .html of the page, and the widgets' entry (their bundle is esbuild's)
FORMATTED = ["src/digitnet/web/static", "src/digitnet/widgets/widget.js", "tests/js"]

pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js (node) for the page's tools")


def run(*command: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_prettier_would_change_nothing():
    prettier = ROOT / "node_modules" / ".bin" / "prettier"
    assert prettier.exists(), "prettier is not installed: run `npm ci` in the repository root"
    found = run(prettier, "--check", *FORMATTED)
    assert found.returncode == 0, found.stdout + found.stderr


def test_js_unit_tests_pass_under_node():
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    assert tests, "no tests in tests/js"
    found = run(str(NODE), "--test", *tests)
    assert found.returncode == 0, found.stdout + found.stderr
    passed = re.search(r"^# pass (\d+)$", found.stdout, re.MULTILINE)
    assert passed and int(passed[1]) >= len(tests), found.stdout  # every file ran its tests
