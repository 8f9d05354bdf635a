"""The replication controls' request checks and their wake-up event."""

from __future__ import annotations

import pytest

from headwater.replication.controls import ControlError, ReplicationControls


def test_pause_resume_and_delay() -> None:
    controls = ReplicationControls()
    event = controls.changed
    controls.configure({"paused": True})
    assert controls.paused and event.is_set() and not controls.changed.is_set()
    controls.configure({"delay": 2.5})
    assert controls.paused and controls.delay == 2.5
    controls.configure({"paused": False, "delay": 0})
    assert (controls.paused, controls.delay) == (False, 0.0)


@pytest.mark.parametrize("body", [{}, {"paused": 1}, {"delay": -0.1}, {"delay": "1"},
                                  {"delay": None}, {"other": True}, []])
def test_refused_bodies_change_nothing(body: object) -> None:
    controls = ReplicationControls()
    with pytest.raises(ControlError):
        controls.configure(body)  # type: ignore[arg-type]
    assert (controls.paused, controls.delay) == (False, 0.0)
