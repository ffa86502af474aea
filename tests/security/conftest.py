"""Print how many examples each fuzz property ran and how long the 1 MB inputs took, for
the record (issue 8 asks for both)."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.security import test_fuzz

    if test_fuzz.EXAMPLES:
        terminalreporter.section("fuzz examples run")
        for name, count in sorted(test_fuzz.EXAMPLES.items()):
            terminalreporter.write_line(f"{name}: {count}")
    if test_fuzz.TIMINGS:
        terminalreporter.section("1 MB inputs (bound 5 s)")
        slowest = sorted(test_fuzz.TIMINGS.items(), key=lambda item: -item[1])
        for label, seconds in slowest[:12]:
            terminalreporter.write_line(f"{seconds:6.2f} s  {label}")
