"""An IteratorAge alarm on the replicator: it fires when the handler is made slow and clears
when the handler catches up, driven by Headwater's clock.

    python examples/replication/alarm.py                     # starts its own in-memory server
    python examples/replication/alarm.py --endpoint http://127.0.0.1:4566

Sets up run.py's orders -> replica trigger (no crashes), an alarm on AWS/Lambda IteratorAge
(Maximum > 60,000 ms in a 60 s period, missing data not breaching) whose ALARM and OK actions
publish to an SNS topic with an SQS queue subscribed, then:

1. makes the handler slow (DELAY 1 s per batch of 5) and writes 100 orders, moving the clock
   60 s forward every second: records wait in the stream for minutes of clock time, the
   batches report that age, and the alarm goes to ALARM;
2. makes the handler fast again: it drains the backlog, fresh writes are replicated at once,
   and after the next minute of clock time the alarm goes back to OK.

Each notification the queue receives is printed (CloudWatch's alarm JSON inside SNS's
envelope), and `headwater alarms --endpoint URL` shows the same state from another terminal.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from typing import Any

import urllib3
from run import client, setup, snapshot, start_server

THRESHOLD_MS = 60_000


def advance(endpoint: str, seconds: float) -> None:
    urllib3.request("POST", f"{endpoint}/_headwater/clock", json={"advance": seconds})


def notifications(sqs: Any, queue: str) -> list[dict[str, Any]]:
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    for message in received:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in received]


def wait_for_state(endpoint: str, cloudwatch: Any, sqs: Any, queue: str, alarm: str,
                   state: str, step: Any, timeout: float) -> None:
    """Run `step`, move the clock a minute, repeat until the alarm is in `state`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        step()
        advance(endpoint, 60)
        time.sleep(1)
        for note in notifications(sqs, queue):
            print(f"  notification: {note['OldStateValue']} -> {note['NewStateValue']}: "
                  f"{note['NewStateReason']}")
        found = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
        if found["StateValue"] == state:
            return
    raise SystemExit(f"the alarm did not reach {state} in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running Headwater (default: start one)")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        server, endpoint = start_server()
    try:
        suffix = uuid.uuid4().hex[:6]
        source, replica = setup(endpoint, suffix, 0.0)
        ddb, lam = client("dynamodb", endpoint), client("lambda", endpoint)
        cloudwatch, sns, sqs = (client(s, endpoint) for s in ("cloudwatch", "sns", "sqs"))
        function = f"replicator-{suffix}"
        mapping = lam.list_event_source_mappings(FunctionName=function)[
            "EventSourceMappings"][0]["UUID"]
        lam.update_event_source_mapping(UUID=mapping, BatchSize=5)
        topic = sns.create_topic(Name=f"alarms-{suffix}")["TopicArn"]
        queue = sqs.create_queue(QueueName=f"alarm-inbox-{suffix}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        alarm = f"{function}-iterator-age"
        cloudwatch.put_metric_alarm(
            AlarmName=alarm, AlarmDescription="the replica is falling behind",
            Namespace="AWS/Lambda", MetricName="IteratorAge", Statistic="Maximum",
            Dimensions=[{"Name": "FunctionName", "Value": function}], Period=60,
            EvaluationPeriods=1, Threshold=THRESHOLD_MS, TreatMissingData="notBreaching",
            ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic], OKActions=[topic])
        print(f"alarm {alarm}: IteratorAge Maximum > {THRESHOLD_MS} ms")

        def slow(delay: float) -> None:
            lam.update_function_configuration(FunctionName=function, Environment={
                "Variables": {"REPLICA_TABLE": replica, "FAIL_RATE": "0", "DELAY": str(delay)}})

        def write(count: int) -> None:
            for _ in range(count):
                order = uuid.uuid4().hex[:8]
                ddb.put_item(TableName=source, Item={"id": {"S": order}, "version": {"N": "1"}})

        slow(1.0)
        write(100)
        print("handler slow (1 s per batch of 5), 100 orders written; a minute of clock "
              "time per second:")
        wait_for_state(endpoint, cloudwatch, sqs, queue, alarm, "ALARM", lambda: None,
                       args.timeout)
        slow(0.0)
        print("handler fast again; draining the backlog")
        deadline = time.monotonic() + args.timeout
        while snapshot(ddb, source) != snapshot(ddb, replica):
            if time.monotonic() > deadline:
                raise SystemExit("the replica did not catch up in time")
            time.sleep(0.5)
        print("caught up; fresh writes each minute:")
        wait_for_state(endpoint, cloudwatch, sqs, queue, alarm, "OK",
                       lambda: (write(5), time.sleep(1)), args.timeout)
        print(f"alarm {alarm} is OK again")
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
