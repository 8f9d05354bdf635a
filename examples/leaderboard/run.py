"""A live leaderboard from a stream of interactions, with tumbling windows, a filter and bisect.

    python examples/leaderboard/run.py                       # starts its own in-memory server
    python examples/leaderboard/run.py --endpoint http://127.0.0.1:4566 --interactions 5000
    python examples/leaderboard/run.py --enforce-iam       # its own server, checking policies

Creates `interactions` (stream NEW_AND_OLD_IMAGES), `leaderboard` and a failure queue, an
execution role that may only read that stream, update items in the leaderboard and send to the
queue, deploys aggregator.py with that role, and maps the stream to it with a filter passing
only INSERTs of kind "like", 5-minute tumbling windows, BisectBatchOnFunctionError, one retry
and the queue as OnFailure destination. It writes random likes, comments and views (and un-likes
some: REMOVEs, which the filter drops) plus one poison like without a player, waits until every
record is delivered, filtered or discarded, moves Headwater's clock past the window's end so the
windows close, and checks the leaderboard against a direct count of the likes written.

The role is the same whether or not the server enforces IAM (`headwater serve --enforce-iam`);
`--leave-out ACTION` drops one action from its policy to show the error that follows.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "000000000000", "aws_secret_access_key": "x",
               "region_name": "us-east-1"}
WINDOW = 300
PLAYERS = ["ada", "grace", "linus", "guido", "barbara", "ken", "margaret", "dennis"]
LIKES_ONLY = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["like"]}}}}
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
STREAM_ACTIONS = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                  "dynamodb:ListStreams"]


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, config=Config(retries={"mode": "standard"}),
                        **CREDENTIALS)


def start_server(*options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "headwater", "serve", "--in-memory",
                                "--port", "0", *options], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def aggregator_policy(interactions_arn: str, leaderboard_arn: str, queue_arn: str,
                      function: str, leave_out: str | None = None) -> dict[str, Any]:
    """Least privilege for the aggregator: read the interactions stream, update items in the
    leaderboard (what aggregator.py calls), send the mapping's failure records to the queue,
    and write its own log group. `leave_out`: one action to drop (to see what fails
    without it)."""
    region, account = leaderboard_arn.split(":")[3:5]
    log_group = f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}:*"
    statements = [
        {"Sid": "ReadTheInteractionsStream", "Effect": "Allow", "Action": STREAM_ACTIONS,
         "Resource": f"{interactions_arn}/stream/*"},
        {"Sid": "AddToTheLeaderboard", "Effect": "Allow", "Action": ["dynamodb:UpdateItem"],
         "Resource": leaderboard_arn},
        {"Sid": "SendFailuresToTheQueue", "Effect": "Allow", "Action": ["sqs:SendMessage"],
         "Resource": queue_arn},
        {"Sid": "WriteItsLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": log_group},
    ]
    for statement in statements:
        statement["Action"] = [a for a in statement["Action"] if a != leave_out]
    return {"Version": "2012-10-17", "Statement": [s for s in statements if s["Action"]]}


def execution_role(endpoint: str, name: str, policy: dict[str, Any]) -> str:
    """A role Lambda may assume, with `policy` inline; its ARN."""
    iam = client("iam", endpoint)
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
        LAMBDA_TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="least-privilege",
                        PolicyDocument=json.dumps(policy))
    return arn


def setup(endpoint: str, suffix: str, leave_out: str | None = None
          ) -> tuple[str, str, str, str, str]:
    """Tables, queue, role, function and mapping: (interactions, leaderboard, queue URL,
    function, mapping UUID)."""
    ddb, lam, sqs = (client(s, endpoint) for s in ("dynamodb", "lambda", "sqs"))
    interactions, leaderboard = f"interactions-{suffix}", f"leaderboard-{suffix}"
    interactions_arn = ddb.create_table(
        TableName=interactions, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    )["TableDescription"]["TableArn"]
    leaderboard_arn = ddb.create_table(
        TableName=leaderboard, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "window", "KeyType": "HASH"},
                   {"AttributeName": "player", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "window", "AttributeType": "S"},
                              {"AttributeName": "player", "AttributeType": "S"}]
    )["TableDescription"]["TableArn"]
    queue_url = sqs.create_queue(QueueName=f"leaderboard-failures-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(HERE / "function" / "aggregator.py", "aggregator.py")
    function = f"leaderboard-{suffix}"
    role = execution_role(endpoint, function, aggregator_policy(
        interactions_arn, leaderboard_arn, queue_arn, function, leave_out))
    lam.create_function(
        FunctionName=function, Runtime="python3.12", Handler="aggregator.handler",
        Role=role, Code={"ZipFile": archive.getvalue()},
        Environment={"Variables": {"LEADERBOARD_TABLE": leaderboard}})
    stream_arn = ddb.describe_table(TableName=interactions)["Table"]["LatestStreamArn"]
    mapping = lam.create_event_source_mapping(
        FunctionName=function, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON",
        BatchSize=100, TumblingWindowInSeconds=WINDOW, BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1, FilterCriteria={"Filters": [{"Pattern": json.dumps(LIKES_ONLY)}]},
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
        MetricsConfig={"Metrics": ["EventCount"]})
    return interactions, leaderboard, queue_url, function, mapping["UUID"]


def write_interactions(ddb: Any, table: str, count: int) -> tuple[Counter[str], int]:
    """Random interactions; returns the likes per player and how many stream records."""
    likes: Counter[str] = Counter()
    records = 0
    liked: list[str] = []
    for number in range(count):
        player = random.choice(PLAYERS)
        kind = random.choices(["like", "comment", "view"], weights=[5, 2, 3])[0]
        item = {"id": {"S": f"i{number:06d}"}, "player": {"S": player}, "kind": {"S": kind}}
        ddb.put_item(TableName=table, Item=item)
        records += 1
        if kind == "like":
            likes[player] += 1
            liked.append(item["id"]["S"])
        if number == count // 2:  # the poison record: a like without a player
            ddb.put_item(TableName=table, Item={"id": {"S": "poison"}, "kind": {"S": "like"}})
            records += 1
        if liked and random.random() < 0.05:  # an un-like is a REMOVE: filtered out
            ddb.delete_item(TableName=table, Key={"id": {"S": liked.pop()}})
            records += 1
    return likes, records


def settled_records(endpoint: str, uuid_: str) -> float:
    """Records delivered, discarded or filtered out so far, from /metrics."""
    text = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    total = 0.0
    for line in text.splitlines():
        if f'uuid="{uuid_}"' not in line:
            continue
        if line.startswith(("headwater_trigger_records_delivered_total{",
                            "headwater_trigger_records_discarded_total{")) or (
                line.startswith("headwater_trigger_events_total{")
                and 'kind="filtered_out"' in line):
            total += float(line.rsplit(" ", 1)[1])
    return total


def last_error(endpoint: str, function: str) -> str:
    """The last error the function logged, or a note that it logged none."""
    logs = client("logs", endpoint)
    errors = [event["message"].strip()
              for page in logs.get_paginator("filter_log_events").paginate(
                  logGroupName=f"/aws/lambda/{function}")
              for event in page["events"] if event["message"].startswith("[ERROR]")]
    return errors[-1] if errors else "the function logged no error"


def wait(condition: Any, timeout: float, what: str, endpoint: str, function: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}; the function's last error: "
                     + last_error(endpoint, function))
        time.sleep(0.1)


def leaderboard_totals(ddb: Any, table: str) -> Counter[str]:
    totals: Counter[str] = Counter()
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            totals[item["player"]["S"]] += int(item["likes"]["N"])
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running Headwater (default: start one)")
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--enforce-iam", action="store_true",
                        help="start the server with --enforce-iam (without --endpoint)")
    parser.add_argument("--leave-out", metavar="ACTION",
                        help="drop ACTION (e.g. sqs:SendMessage) from the role's policy")
    args = parser.parse_args()
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        server, endpoint = start_server(*(["--enforce-iam"] if args.enforce_iam else []))
    try:
        ddb, sqs = client("dynamodb", endpoint), client("sqs", endpoint)
        try:
            interactions, leaderboard, queue_url, function, uuid_ = setup(
                endpoint, uuid.uuid4().hex[:6], args.leave_out)
        except ClientError as error:
            sys.exit(f"setup failed: {error}")
        started = time.monotonic()
        likes, records = write_interactions(ddb, interactions, args.interactions)
        print(f"wrote {args.interactions} interactions ({records} stream records, "
              f"{sum(likes.values())} likes) in {time.monotonic() - started:.1f} s")
        wait(lambda: settled_records(endpoint, uuid_) >= records, args.timeout,
             "every record to be delivered, filtered or discarded", endpoint, function)
        http = urllib3.PoolManager()
        http.request("POST", f"{endpoint}/_headwater/clock",
                      body=json.dumps({"advance": WINDOW}).encode())
        print(f"moved the clock {WINDOW} s forward: the windows close")
        wait(lambda: leaderboard_totals(ddb, leaderboard) == likes, args.timeout,
             "the leaderboard to match the likes written", endpoint, function)
        print("leaderboard (matches a direct count of the likes written):")
        for rank, (player, count) in enumerate(leaderboard_totals(ddb, leaderboard)
                                               .most_common(), 1):
            print(f"  {rank}. {player:<10} {count}")
        messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2)["Messages"]
        failure = json.loads(messages[0]["Body"])
        info = failure["DDBStreamBatchInfo"]
        print(f"failure queue: {failure['requestContext']['condition']} after "
              f"{failure['requestContext']['approximateInvokeCount']} invocations, "
              f"batchSize {info['batchSize']}, sequence {info['startSequenceNumber']} "
              f"(the poison like, isolated by bisect)")
        if info["batchSize"] != 1:
            sys.exit("the poison record was not isolated")
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
