"""Alarm actions: a state change publishes CloudWatch's alarm notification JSON to SNS actions
(what an SQS subscriber receives, member by member) and invokes Lambda actions with the
aws.cloudwatch alarm event; nothing is sent while actions are disabled."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alarms_support import align, put_alarm, wait_state
from server_support import Clock, Server, serving, wait_for

ACCOUNT = "000000000000"
NOTIFICATION_MEMBERS = [
    "AlarmName", "AlarmDescription", "AWSAccountId", "AlarmConfigurationUpdatedTimestamp",
    "NewStateValue", "NewStateReason", "StateChangeTime", "Region", "AlarmArn",
    "OldStateValue", "OKActions", "AlarmActions", "InsufficientDataActions", "Trigger"]
RECORDING = '''
import json, os

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    return {}
'''


@pytest.fixture
def subscribed_queue(sns: Any, sqs: Any, unique: Callable[[str], str]) -> tuple[str, str]:
    """(topic ARN, URL of a queue subscribed to it)."""
    topic = sns.create_topic(Name=unique("alarms"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("alarm-inbox"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return topic, url


def _receive(sqs: Any, url: str) -> dict[str, Any]:
    [message] = wait_for(lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get(
        "Messages"))
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    envelope: dict[str, Any] = json.loads(message["Body"])
    return envelope


def test_sns_action_sends_the_alarm_notification(
        cloudwatch: Any, sqs: Any, clock: Clock, unique: Callable[[str], str],
        subscribed_queue: tuple[str, str]) -> None:
    topic, url = subscribed_queue
    name = unique("sns-alarm")
    align(clock)
    put_alarm(cloudwatch, name, name, AlarmDescription="too many", TreatMissingData="breaching",
              Dimensions=[{"Name": "Host", "Value": "a"}], Unit="Count",
              AlarmActions=[topic], OKActions=[topic])
    fired = wait_state(cloudwatch, name, "ALARM")
    envelope = _receive(sqs, url)
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic
    assert envelope["Subject"] == f'ALARM: "{name}" in US East (N. Virginia)'
    message = json.loads(envelope["Message"])
    assert list(message) == NOTIFICATION_MEMBERS
    assert message["AlarmName"] == name and message["AlarmDescription"] == "too many"
    assert message["AWSAccountId"] == ACCOUNT and message["Region"] == "US East (N. Virginia)"
    assert message["AlarmArn"] == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}"
    assert (message["OldStateValue"], message["NewStateValue"]) == ("INSUFFICIENT_DATA", "ALARM")
    assert message["NewStateReason"] == fired["StateReason"]
    assert message["StateChangeTime"] == \
        fired["StateUpdatedTimestamp"].strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
    assert message["OKActions"] == [topic] and message["AlarmActions"] == [topic]
    assert message["InsufficientDataActions"] == []
    assert message["Trigger"] == {
        "MetricName": "M", "Namespace": name, "StatisticType": "Statistic",
        "Statistic": "MAXIMUM", "Unit": "Count", "Dimensions": [{"value": "a", "name": "Host"}],
        "Period": 60, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 1.0, "TreatMissingData": "- TreatMissingData:                    breaching",
        "EvaluateLowSampleCountPercentile": ""}
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="by hand")
    ok = json.loads(_receive(sqs, url)["Message"])
    assert (ok["OldStateValue"], ok["NewStateValue"], ok["NewStateReason"]) == \
        ("ALARM", "OK", "by hand")
    history = cloudwatch.describe_alarm_history(AlarmName=name, HistoryItemType="Action")
    assert [i["HistorySummary"] for i in history["AlarmHistoryItems"]] == \
        [f"Successfully executed action {topic}"] * 2


def test_disabled_actions_send_nothing(cloudwatch: Any, sqs: Any,
                                       unique: Callable[[str], str],
                                       subscribed_queue: tuple[str, str]) -> None:
    topic, url = subscribed_queue
    name = unique("quiet")
    put_alarm(cloudwatch, name, name, AlarmActions=[topic], OKActions=[topic])
    cloudwatch.disable_alarm_actions(AlarmNames=[name])
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0][
        "ActionsEnabled"] is False
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="silent")
    cloudwatch.enable_alarm_actions(AlarmNames=[name])
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="heard")
    message = json.loads(_receive(sqs, url)["Message"])
    assert (message["NewStateValue"], message["NewStateReason"]) == ("OK", "heard")


def test_missing_topic_is_a_failed_action(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    name = unique("lost")
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:{unique('gone')}"
    put_alarm(cloudwatch, name, name, AlarmActions=[topic])
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="x")
    [item] = cloudwatch.describe_alarm_history(AlarmName=name, HistoryItemType="Action")[
        "AlarmHistoryItems"]
    assert item["HistorySummary"].startswith(f"Failed to execute action {topic}.")


@pytest.fixture(scope="module")
def lambda_server() -> Iterator[Server]:
    # the handler writes to the test's files: workers must see the host's files
    yield from serving("--in-memory", "--worker-isolation", "off")


def test_lambda_action_receives_the_alarm_event(lambda_server: Server, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", RECORDING)
    lam = lambda_server.client("lambda")
    function = lam.create_function(
        FunctionName="on-alarm", Runtime="python3.12", Handler="handler.handler",
        Role=f"arn:aws:iam::{ACCOUNT}:role/alarm", Code={"ZipFile": buffer.getvalue()},
        Environment={"Variables": {"OUT": str(out)}})["FunctionArn"]
    cloudwatch = lambda_server.client("cloudwatch")
    put_alarm(cloudwatch, "lam-alarm", "App", AlarmDescription="watch it",
              Dimensions=[{"Name": "Host", "Value": "a"}], AlarmActions=[function])
    cloudwatch.set_alarm_state(AlarmName="lam-alarm", StateValue="ALARM", StateReason="test",
                               StateReasonData='{"why": "testing"}')
    [line] = wait_for(lambda: out.exists() and out.read_text().splitlines(), 20)
    event = json.loads(line)
    # The time of the change to ALARM, from its history item: the alarm's current state may
    # already be a later one (the evaluator finds no datapoints and moves it on).
    [update] = [item for item in cloudwatch.describe_alarm_history(
        AlarmName="lam-alarm", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
        if item["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"]
    stamp = update["Timestamp"].strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
    assert event == {
        "source": "aws.cloudwatch",
        "alarmArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:lam-alarm",
        "accountId": ACCOUNT, "time": stamp, "region": "us-east-1",
        "alarmData": {
            "alarmName": "lam-alarm",
            "state": {"value": "ALARM", "reason": "test", "timestamp": stamp,
                      "reasonData": '{"why": "testing"}'},
            "previousState": {"value": "INSUFFICIENT_DATA",
                              "reason": "Unchecked: Initial alarm creation",
                              "timestamp": event["alarmData"]["previousState"]["timestamp"]},
            "configuration": {"description": "watch it", "metrics": [{
                "id": "m1", "metricStat": {
                    "metric": {"namespace": "App", "name": "M", "dimensions": {"Host": "a"}},
                    "period": 60, "stat": "Maximum"},
                "returnData": True}]},
        },
    }
