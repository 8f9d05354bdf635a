"""SpareCpu.loop_busy and EnvironmentPool.crowded: the server's event loop thread ran or waited
for a core nearly all the time (its schedstat), so invocations waiting for an environment wait
for the server itself; independent of the machine's idle share, which alone decides whether
a core is spare for another worker."""

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


def test_a_loop_that_never_waits_is_crowded() -> None:
    pool = EnvironmentPool(Clock())
    cpu = pool._cpu
    try:
        assert not pool.crowded()  # the first look has nothing to compare with
        _spin(cpu.LOOP_SAMPLE * 2)
        assert cpu.loop_busy()
        assert pool.crowded()
        time.sleep(cpu.LOOP_SAMPLE * 2)  # the loop waited
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
        pool.crowded()
        time.sleep(cpu.LOOP_SAMPLE * 2)
        assert not cpu.spare()  # no idle core on the machine: no worker more
        assert not pool.crowded()  # but the loop waits: a sleeping handler gains from more
    finally:
        cpu.close()


def test_a_busy_loop_leaves_the_machines_answer_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = SpareCpu()
    monkeypatch.setattr(cpu, "STAT", Path("/nonexistent/stat"))  # reads as spare
    try:
        cpu.loop_busy()
        _spin(cpu.LOOP_SAMPLE * 2)
        assert cpu.loop_busy()
        assert cpu.spare()
    finally:
        cpu.close()


def test_within_a_sample_the_last_answer_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = SpareCpu()
    monkeypatch.setattr(cpu, "LOOP_SAMPLE", 60.0)
    try:
        assert not cpu.loop_busy()
        _spin(0.05)
        assert not cpu.loop_busy()  # not sampled again yet
    finally:
        cpu.close()
