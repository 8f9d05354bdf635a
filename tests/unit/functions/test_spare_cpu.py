"""SpareCpu: no core counts as spare for another worker while the server's event loop thread
is running or waiting for a core nearly all the time (its schedstat), whatever the machine's
idle share says; EnvironmentPool.crowded is that busy loop alone, whatever the machine."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from headwater.core.clock import Clock
from headwater.functions.pool import EnvironmentPool, SpareCpu

pytestmark = pytest.mark.skipif(not Path(SpareCpu.SCHEDSTAT).exists(),
                                reason="no /proc/thread-self/schedstat")


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _machine_idle(monkeypatch: pytest.MonkeyPatch, cpu: SpareCpu) -> None:
    # The machine's part reads as spare (no /proc/stat): only the loop decides.
    monkeypatch.setattr(cpu, "STAT", Path("/nonexistent/stat"))


def test_a_loop_that_never_waits_leaves_no_core_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = EnvironmentPool(Clock())
    cpu = pool._cpu
    _machine_idle(monkeypatch, cpu)
    try:
        assert cpu.spare()  # the first look has nothing to compare with
        _spin(cpu.LOOP_SAMPLE * 2)
        assert not cpu.spare()
        assert pool.crowded()
        time.sleep(cpu.LOOP_SAMPLE * 2)  # the loop waited: a worker more may help
        assert cpu.spare()
        assert not pool.crowded()
    finally:
        cpu.close()


def test_a_busy_machine_with_a_waiting_loop_is_not_crowded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pool = EnvironmentPool(Clock())
    cpu = pool._cpu

    def machine_busy(now: float) -> None:
        cpu._spare = False

    monkeypatch.setattr(cpu, "_sample_machine", machine_busy)
    try:
        cpu.spare()
        time.sleep(cpu.LOOP_SAMPLE * 2)
        assert not cpu.spare()  # no idle core on the machine: no worker more
        assert not pool.crowded()  # but the loop waits: a sleeping handler gains from more
    finally:
        cpu.close()


def test_within_a_sample_the_last_answer_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = SpareCpu()
    _machine_idle(monkeypatch, cpu)
    monkeypatch.setattr(cpu, "LOOP_SAMPLE", 60.0)
    try:
        assert cpu.spare()
        _spin(0.05)
        assert cpu.spare()  # not sampled again yet
    finally:
        cpu.close()
