"""Print how many examples each fuzz property ran and how long the 1 MB inputs took, for
the record (issue 8 asks for both)."""

from __future__ import annotations

import sys


def pytest_terminal_summary(terminalreporter) -> None:
    fuzz = sys.modules.get("tests.security.test_fuzz")
    if fuzz is None:
        return  # the fuzz tests were not collected in this run
    if fuzz.EXAMPLES:
        terminalreporter.section("fuzz examples run")
        for name, count in sorted(fuzz.EXAMPLES.items()):
            terminalreporter.write_line(f"{name}: {count}")
    if fuzz.TIMINGS:
        terminalreporter.section("1 MB inputs (bound 5 s)")
        slowest = sorted(fuzz.TIMINGS.items(), key=lambda item: -item[1])
        for label, seconds in slowest[:12]:
            terminalreporter.write_line(f"{seconds:6.2f} s  {label}")
