"""Time from CreateStack to CREATE_COMPLETE for the replication example's resources as a SAM
template (the orders table with its stream, the replica table, the replicator function with
its role and policies, and the stream mapping), on a fresh in-memory server, and the same for a
delete. Prints the median of a few runs (issue 16's closing figure; goal under 2 s).

    .venv/bin/python bench/cloudformation_deploy.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from server_support import serving  # noqa: E402

HANDLER = (ROOT / "examples" / "replication" / "replicator.py").read_text()
TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
  Replica:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Replicator:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Environment: {Variables: {REPLICA_TABLE: !Ref Replica}}
      Policies:
        - DynamoDBStreamReadPolicy: {TableName: !Ref Orders, StreamName: "*"}
        - DynamoDBCrudPolicy: {TableName: !Ref Replica}
      InlineCode: |
HANDLER
      Events:
        Orders:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 50
""".replace("HANDLER\n", "".join(f"        {line}\n" for line in HANDLER.splitlines()))


def _wait(cfn: object, stack: str) -> str:
    while True:
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]  # type: ignore[attr-defined]
        if not status.endswith("_IN_PROGRESS"):
            return str(status)
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    creates, deletes = [], []
    for server in serving("--in-memory"):
        cfn = server.client("cloudformation")
        # The first CloudFormation request starts loading the schemas, the SAM translator and
        # the in-process services in the background (stacks.Stacks.warm); a user's first
        # `aws cloudformation deploy` asks DescribeStacks first too.
        cfn.list_stacks()
        time.sleep(4)
        for run in range(runs):
            name = f"replication-{run}"
            started = time.perf_counter()
            stack_id = cfn.create_stack(StackName=name, TemplateBody=TEMPLATE, Capabilities=[
                "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])["StackId"]
            status = _wait(cfn, name)
            creates.append(time.perf_counter() - started)
            assert status == "CREATE_COMPLETE", status
            started = time.perf_counter()
            cfn.delete_stack(StackName=stack_id)
            assert _wait(cfn, stack_id) == "DELETE_COMPLETE"
            deletes.append(time.perf_counter() - started)
    print(f"create: median {statistics.median(creates):.3f} s, first {creates[0]:.3f} s, "
          f"runs {', '.join(f'{t:.3f}' for t in creates)}")
    print(f"delete: median {statistics.median(deletes):.3f} s")


if __name__ == "__main__":
    main()
