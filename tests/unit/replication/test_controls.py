"""The replication controls' request checks, their wake-up event and their storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.core.storage import Storage
from headwater.replication.controls import ControlError, ReplicationControls


def test_pause_resume_and_delay() -> None:
    controls = ReplicationControls(Storage(None))
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
    controls = ReplicationControls(Storage(None))
    with pytest.raises(ControlError):
        controls.configure(body)  # type: ignore[arg-type]
    assert (controls.paused, controls.delay) == (False, 0.0)


def test_kept_in_the_database(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    ReplicationControls(storage).configure({"paused": True, "delay": 7})
    storage.close()
    reopened = ReplicationControls(Storage(tmp_path))
    assert (reopened.paused, reopened.delay) == (True, 7.0)
