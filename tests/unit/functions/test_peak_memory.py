"""PeakReader: a worker's VmHWM from its /proc status kept open, the figure the out-of-memory
check after an invocation and the REPORT line's Max Memory Used are made of."""

from __future__ import annotations

import os
import subprocess
import sys

from headwater.functions.worker_processes import PeakReader, rss_kb


def test_the_peak_is_the_status_files_vmhwm_and_never_below_vmrss() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; b = bytearray(32 << 20); "
                              "sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        reader = PeakReader(child.pid)
        first = reader.peak_kb()
        while first < 32 * 1024:  # the child is still allocating
            first = reader.peak_kb()
        rss, hwm = rss_kb(child.pid)
        again = reader.peak_kb()  # read from the start again, not where the last read ended
        assert again >= first and again >= rss
        assert abs(again - hwm) < 1024
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    assert reader.peak_kb() == 0  # reaped: the kept file answers ESRCH
    reader.close()
    assert reader.peak_kb() == 0
    reader.close()  # twice is harmless


def test_a_process_that_is_gone_reads_as_zero() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    reader = PeakReader(child.pid)
    assert reader.peak_kb() == 0
    reader.close()


def test_the_own_process_matches_the_line_by_line_reading() -> None:
    reader = PeakReader(os.getpid())
    try:
        assert abs(reader.peak_kb() - rss_kb(os.getpid())[1]) < 1024
    finally:
        reader.close()
