"""Counts what the hardening tests try: bad inputs, injected faults, fuzz cases.

Test modules load it with ``pytest_plugins = ("hardening_tally",)`` and take the ``tally``
fixture; with DIGITNET_RELIABILITY_REPORT=path set, the totals of the run are written there
as JSON at the end of the session (docs/reliability.md quotes them).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

KINDS = ("bad_inputs", "faults_injected", "fuzz_cases")
_counts: Counter[str] = Counter()
_details: Counter[str] = Counter()


class Tally:
    """What one test tried; ``what`` names the family (e.g. "model file truncated")."""

    def _add(self, kind: str, what: str, n: int) -> None:
        _counts[kind] += n
        _details[f"{kind}: {what}"] += n

    def bad_input(self, what: str, n: int = 1) -> None:
        self._add("bad_inputs", what, n)

    def fault(self, what: str, n: int = 1) -> None:
        self._add("faults_injected", what, n)

    def fuzz(self, what: str, n: int = 1) -> None:
        self._add("fuzz_cases", what, n)


@pytest.fixture
def tally() -> Tally:
    return Tally()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("DIGITNET_RELIABILITY_REPORT")
    if not path or not _counts:
        return
    report = {
        **{kind: _counts[kind] for kind in KINDS},
        "tests_collected": session.testscollected,
        "tests_failed": session.testsfailed,
        "by_family": dict(sorted(_details.items())),
    }
    Path(path).write_text(json.dumps(report, indent=1) + "\n")
