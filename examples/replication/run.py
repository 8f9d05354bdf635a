"""Replicate an orders table into a replica through a stream trigger, and watch it converge.

    python examples/replication/run.py                       # starts its own in-memory server
    python examples/replication/run.py --endpoint http://127.0.0.1:4566
    python examples/replication/run.py --enforce-iam      # its own server, checking policies
    python examples/replication/run.py --runtime nodejs20.x   # the Node.js handler, replicator.mjs

Creates `orders` (stream NEW_AND_OLD_IMAGES) and `orders-replica`, an execution role that may
only read that stream and put or delete items in the replica, deploys replicator.py with that
role as a function that fails on purpose in some batches (FAIL_RATE), maps the stream to it,
then writes a burst of inserts, updates (version + 1) and deletes while printing how much of
the replica matches the source, until it matches exactly.

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
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "000000000000", "aws_secret_access_key": "x",
               "region_name": "us-east-1"}
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


def replicator_policy(source_arn: str, replica_arn: str, function: str,
                      leave_out: str | None = None) -> dict[str, Any]:
    """Least privilege for the replicator: read the source's stream, put and delete items in
    the replica (what replicator.py calls), and write its own log group. `leave_out`: one
    action to drop (to see what fails without it)."""
    region, account = replica_arn.split(":")[3:5]
    log_group = f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}:*"
    statements = [
        {"Sid": "ReadTheOrdersStream", "Effect": "Allow", "Action": STREAM_ACTIONS,
         "Resource": f"{source_arn}/stream/*"},
        {"Sid": "WriteTheReplica", "Effect": "Allow",
         "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem"], "Resource": replica_arn},
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


def setup(endpoint: str, suffix: str, fail_rate: float, leave_out: str | None = None,
          runtime: str = "python3.12") -> tuple[str, str, str]:
    """Tables, role, function and mapping: (source, replica, function)."""
    ddb, lam = client("dynamodb", endpoint), client("lambda", endpoint)
    source, replica = f"orders-{suffix}", f"orders-replica-{suffix}"
    key = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
           "BillingMode": "PAY_PER_REQUEST"}
    ddb.create_table(TableName=source, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}, **key)
    replica_arn = ddb.create_table(TableName=replica, **key)["TableDescription"]["TableArn"]
    described = ddb.describe_table(TableName=source)["Table"]
    stream_arn = described["LatestStreamArn"]
    archive = io.BytesIO()
    handler = "replicator.mjs" if runtime.startswith("nodejs") else "replicator.py"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(HERE / "function" / handler, handler)
    function = f"replicator-{suffix}"
    role = execution_role(endpoint, function, replicator_policy(
        described["TableArn"], replica_arn, function, leave_out))
    lam.create_function(
        FunctionName=function, Runtime=runtime, Handler="replicator.handler", Timeout=30,
        Role=role, Code={"ZipFile": archive.getvalue()},
        Environment={"Variables": {"REPLICA_TABLE": replica, "FAIL_RATE": str(fail_rate)}})
    lam.create_event_source_mapping(FunctionName=function, EventSourceArn=stream_arn,
                                    StartingPosition="TRIM_HORIZON", BatchSize=50)
    return source, replica, function


def write_burst(ddb: Any, table: str, orders: int, changes: int) -> None:
    versions: dict[str, int] = {}
    for _ in range(changes):
        order = f"order-{random.randrange(orders):04d}"
        if order in versions and random.random() < 0.15:
            ddb.delete_item(TableName=table, Key={"id": {"S": order}})
            del versions[order]
            continue
        versions[order] = versions.get(order, 0) + 1
        ddb.put_item(TableName=table, Item={
            "id": {"S": order}, "version": {"N": str(versions[order])},
            "status": {"S": random.choice(["placed", "paid", "shipped", "delivered"])},
            "total": {"N": f"{random.randint(100, 99999) / 100:.2f}"}})


def snapshot(ddb: Any, table: str) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            items[item["id"]["S"]] = item
    return items


def last_error(endpoint: str, function: str) -> str:
    """The last error the function logged, or a note that it logged none."""
    logs = client("logs", endpoint)
    errors = [event["message"].strip()
              for page in logs.get_paginator("filter_log_events").paginate(
                  logGroupName=f"/aws/lambda/{function}")
              for event in page["events"]
              if event["message"].startswith("[ERROR]") or "\tERROR\t" in event["message"]]
    return errors[-1] if errors else "the function logged no error"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running Headwater (default: start one)")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--fail-rate", type=float, default=0.2,
                        help="share of batches the replicator crashes in half-way")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--enforce-iam", action="store_true",
                        help="start the server with --enforce-iam (without --endpoint)")
    parser.add_argument("--leave-out", metavar="ACTION",
                        help="drop ACTION (e.g. dynamodb:GetRecords) from the role's policy")
    parser.add_argument("--runtime", default="python3.12",
                        help="python3.12 runs replicator.py; a nodejs runtime (nodejs20.x) "
                             "runs replicator.mjs")
    args = parser.parse_args()
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        server, endpoint = start_server(*(["--enforce-iam"] if args.enforce_iam else []))
    try:
        ddb = client("dynamodb", endpoint)
        try:
            source, replica, function = setup(endpoint, uuid.uuid4().hex[:6], args.fail_rate,
                                              args.leave_out, args.runtime)
        except ClientError as error:
            sys.exit(f"setup failed: {error}")
        started = time.monotonic()
        write_burst(ddb, source, args.orders, args.changes)
        print(f"wrote {args.changes} changes to {source} in {time.monotonic() - started:.1f} s")
        deadline = time.monotonic() + args.timeout
        while True:
            want, have = snapshot(ddb, source), snapshot(ddb, replica)
            same = sum(1 for k, v in want.items() if have.get(k) == v)
            extra = len(set(have) - set(want))
            print(f"  replica: {same}/{len(want)} orders match, {extra} extra")
            if same == len(want) and extra == 0:
                print(f"converged {time.monotonic() - started:.1f} s after the first write")
                return
            if time.monotonic() > deadline:
                sys.exit("replica did not converge in time; the function's last error: "
                         + last_error(endpoint, function))
            time.sleep(0.5)
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
