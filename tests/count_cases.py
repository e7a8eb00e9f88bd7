"""Add up what the hostile tests tried: bad inputs, injected faults, fuzz cases.

Each hostile test records what it tries as its own properties (the `tally` fixture in
conftest.py, through pytest's record_property); pytest writes them with --junitxml. Usage:

    python -m pytest -o junit_family=legacy --junitxml=cases.xml   # or only some files
    python tests/count_cases.py cases.xml [--json]
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter

KINDS = ("bad_inputs", "faults_injected", "fuzz_cases")


def count(path: str) -> dict:
    root = ET.parse(path).getroot()
    totals: Counter[str] = Counter()
    families: Counter[str] = Counter()
    passed = 0
    for case in root.iter("testcase"):
        if any(case.find(t) is not None for t in ("failure", "error", "skipped")):
            continue  # only what was really tried and held
        passed += 1
        for prop in case.iter("property"):
            kind = prop.get("name", "").split(":", 1)[0]
            if kind in KINDS:
                totals[kind] += int(prop.get("value", "0"))
                families[prop.get("name", "")] += int(prop.get("value", "0"))
    return {
        **{kind: totals[kind] for kind in KINDS},
        "tests_passed": passed,
        "by_family": dict(sorted(families.items())),
    }


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    report = count(argv[0])
    if "--json" in argv:
        print(json.dumps(report, indent=1))
    else:
        for kind in KINDS:
            print(f"{kind.replace('_', ' ')}: {report[kind]:,}")
        print(f"(from {report['tests_passed']} passed tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
