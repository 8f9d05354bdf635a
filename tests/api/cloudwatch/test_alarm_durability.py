"""Alarms survive a restart: configuration, state, history and tags come back, and the
evaluator goes on evaluating them on the clock."""

from __future__ import annotations

from pathlib import Path

from alarms_support import align, put_alarm, wait_state
from server_support import Server, start_server

ARN = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:"


def test_alarms_survive_restart(servers: list[Server], tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    servers.append(first)
    cloudwatch = first.client("cloudwatch")
    # missing data ignored: without datapoints the evaluator leaves the state as it is
    put_alarm(cloudwatch, "kept", "App", TreatMissingData="ignore",
              Tags=[{"Key": "team", "Value": "a"}])
    cloudwatch.put_composite_alarm(AlarmName="parent", AlarmRule='ALARM("kept")')
    cloudwatch.set_alarm_state(AlarmName="kept", StateValue="ALARM", StateReason="by hand")
    before = cloudwatch.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    history = cloudwatch.describe_alarm_history(AlarmName="kept")["AlarmHistoryItems"]
    first.stop()

    second = start_server("--data-dir", str(tmp_path))
    servers.append(second)
    cloudwatch = second.client("cloudwatch")
    after = cloudwatch.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert after["MetricAlarms"] == before["MetricAlarms"]
    assert after["CompositeAlarms"] == before["CompositeAlarms"]
    assert after["CompositeAlarms"][0]["StateValue"] == "ALARM"
    assert after["MetricAlarms"][0]["StateReason"] == "by hand"
    assert cloudwatch.describe_alarm_history(AlarmName="kept")["AlarmHistoryItems"] == history
    assert cloudwatch.list_tags_for_resource(ResourceARN=ARN + "kept")["Tags"] == [
        {"Key": "team", "Value": "a"}]
    end = align(second.clock)  # a datapoint under the threshold: the evaluator clears it
    cloudwatch.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "M", "Value": 0.0, "Timestamp": end - 30}])
    second.advance(10)
    wait_state(cloudwatch, "kept", "OK")
    wait_state(cloudwatch, "parent", "OK")
