"""The policy engine alone: evaluations per second for a PutItem request against a
20-statement identity policy (wildcard actions and resources, Deny statements with
conditions, a LeadingKeys condition), with and without computing the request's
authorizations, so the engine's share of a PutItem under --enforce-iam can be read against
PutItem's own cost (bench/dynamodb_items.py).

    .venv/bin/python bench/iam_evaluation.py [--duration 2]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable

from headwater.iam.actions import authorizations
from headwater.iam.evaluation import AuthzRequest, Decision, evaluate
from headwater.iam.policy_documents import PolicyDocument, parse_policy

ACCOUNT, REGION = "111111111111", "us-east-1"
PRINCIPAL = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/worker"
TABLE = "Orders"
ITEM = {"pk": {"S": "alice"}, "sk": {"S": "2024-01-01"}, "total": {"N": "12.5"},
        "status": {"S": "open"}}


def twenty_statements() -> PolicyDocument:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"
    statements = [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogGroup",
                                                      "logs:CreateLogStream",
                                                      "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/*"},
        {"Sid": "Streams", "Effect": "Allow", "Action": ["dynamodb:DescribeStream",
                                                         "dynamodb:GetRecords",
                                                         "dynamodb:GetShardIterator",
                                                         "dynamodb:ListStreams"],
         "Resource": f"{arn}/*/stream/*"},
        {"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage",
         "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-*"},
        {"Sid": "Topic", "Effect": "Allow", "Action": "sns:Publish",
         "Resource": f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"},
        {"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction",
         "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": ["dynamodb:DeleteTable",
                                                          "dynamodb:DeleteItem"],
         "Resource": f"{arn}/Audit*"},
        {"Sid": "OwnRows", "Effect": "Allow", "Action": ["dynamodb:GetItem",
                                                         "dynamodb:Query"],
         "Resource": [f"{arn}/Users", f"{arn}/Users/index/*"],
         "Condition": {"ForAllValues:StringEquals": {
             "dynamodb:LeadingKeys": ["${aws:username}"]}}},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "dynamodb:*",
         "Resource": f"{arn}/Secrets"},
        {"Sid": "TlsOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "Reads", "Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:Query",
                                                       "dynamodb:Scan",
                                                       "dynamodb:BatchGet*"],
         "Resource": f"{arn}/Catalog*"},
    ]
    for n in range(9):
        statements.append({"Sid": f"Other{n}", "Effect": "Allow",
                           "Action": [f"dynamodb:{op}" for op in ("PutItem", "UpdateItem")],
                           "Resource": f"{arn}/Tenant{n}-*"})
    statements.append({"Sid": "Orders", "Effect": "Allow",
                       "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem",
                                  "dynamodb:GetItem"],
                       "Resource": f"{arn}/Orders",
                       "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}})
    assert len(statements) == 20
    return parse_policy(json.dumps({"Version": "2012-10-17", "Statement": statements}))


def rate(step: Callable[[], object], duration: float) -> float:
    count, start = 0, time.perf_counter()
    deadline = start + duration
    while True:
        for _ in range(1000):
            step()
        count += 1000
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=2.0)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}")
    policy = twenty_statements()
    request_body = {"TableName": TABLE, "Item": ITEM}
    ((action, resource, keys),) = authorizations("dynamodb", "PutItem", ACCOUNT, REGION,
                                                 request_body, key_names={TABLE: "pk"})
    request = AuthzRequest(PRINCIPAL, ACCOUNT, action, resource, keys)
    assert evaluate(request, [policy]).decision is Decision.ALLOW

    def evaluate_only() -> object:
        return evaluate(request, [policy])

    def full() -> object:
        found = authorizations("dynamodb", "PutItem", ACCOUNT, REGION, request_body,
                               key_names={TABLE: "pk"})
        for action, resource, keys in found:
            evaluate(AuthzRequest(PRINCIPAL, ACCOUNT, action, resource, keys), [policy])
        return found

    for name, step in (("evaluate (20 statements)", evaluate_only),
                       ("authorizations + evaluate", full)):
        per_second = rate(step, args.duration)
        print(f"{name:28} {per_second:>12,.0f} evaluations/s  {1e6 / per_second:6.2f} us each")


if __name__ == "__main__":
    main()
