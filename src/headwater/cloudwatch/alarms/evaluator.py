"""The alarm evaluator: a background worker that sweeps every metric alarm on the project clock,
at each EVERY-second boundary of clock time, so `POST /_headwater/clock {"advance": 60}` makes a
period complete and the alarms that watch it evaluate at once."""

from __future__ import annotations

from headwater.cloudwatch.alarms.registry import Alarms
from headwater.streams.workers import PeriodicWorker

EVERY = 10.0


class AlarmEvaluator(PeriodicWorker):
    def __init__(self, alarms: Alarms) -> None:
        super().__init__(alarms.clock)
        self.alarms = alarms

    def tick(self) -> float:
        self.alarms.sweep()
        return EVERY - self.clock.now() % EVERY
