"""What --enforce-iam costs: PutItem/s by an IAM user whose policy has 20 statements, on a
server with --enforce-iam against one without (issue 13; goal: under 10% slower).

    .venv/bin/python bench/iam.py                      # disk, 3 rounds
    .venv/bin/python bench/iam.py --in-memory --rounds 1 --duration 3

Three servers, one at a time, alternating round by round (the table shows medians): without
flags, with --credentials (signatures verified, no IAM) and with --enforce-iam. Each gets a
table keyed by `pk` and, but under --credentials, an IAM user with an attached managed policy
of 20 statements (18 Allows on other tables' item actions, with conditions, a Deny of
DeleteTable, and last the Allow of PutItem on the table) and its access key. Every request is
signed (bench/loadgen.py Signer), so the client's work is the same for all three; the flagless
server takes the caller from the key unchecked, the others verify the signature, and the
enforcing one also evaluates the policy. `us/req` is server CPU per request, the steadier
figure on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import Measurement, Signer, measure, put_workload  # noqa: E402
from peers import Peer, cpu_seconds, start_headwater, temp_data_dir  # noqa: E402

TABLE = "bench-iam"
USER = "bench-writer"
GOAL = 0.10


def twenty_statements(account: str) -> str:
    """A policy of 20 statements whose only match for PutItem on TABLE is the last one."""
    def table(name: str) -> str:
        return f"arn:aws:dynamodb:us-east-1:{account}:table/{name}"

    statements: list[dict[str, object]] = [
        {"Sid": f"Other{n}", "Effect": "Allow",
         "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"],
         "Resource": table(f"other-{n}"),
         "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [f"t{n}"]}}}
        for n in range(18)]
    statements.append({"Sid": "NoDrops", "Effect": "Deny", "Action": "dynamodb:DeleteTable",
                       "Resource": "*"})
    statements.append({"Sid": "Write", "Effect": "Allow", "Action": "dynamodb:PutItem",
                       "Resource": table(TABLE)})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


ROOT_KEY, ROOT_SECRET = "AKIDBENCHROOT", "bench-root-secret"
VARIANTS = ("flagless", "credentials", "enforced")


def credentials_file() -> Path:
    path = temp_data_dir() / "credentials"
    path.write_text(f"[root]\naws_access_key_id = {ROOT_KEY}\n"
                    f"aws_secret_access_key = {ROOT_SECRET}\n")
    return path


def set_up(peer: Peer, variant: str) -> Signer:
    """The table and, but for `credentials`, the IAM user with its policy and key; the Signer
    the client uses (under --credentials, the listed root key)."""
    import boto3

    def root(service: str) -> object:
        return boto3.client(service, endpoint_url=peer.url(), region_name="us-east-1",
                            aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)

    root("dynamodb").create_table(  # type: ignore[attr-defined]
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    if variant == "credentials":
        return Signer(ROOT_KEY, ROOT_SECRET)
    iam: Any = root("iam")
    iam.create_user(UserName=USER)
    # A managed policy: the document is over an inline user policy's 2,048 characters.
    arn = iam.create_policy(PolicyName="twenty",
                            PolicyDocument=twenty_statements("000000000000"))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=USER, PolicyArn=arn)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    return Signer(key["AccessKeyId"], key["SecretAccessKey"])


def run(variant: str, args: argparse.Namespace) -> tuple[Measurement, float]:
    data_dir = None if args.in_memory else temp_data_dir()
    extra = {"flagless": [], "enforced": ["--enforce-iam"],
             "credentials": ["--credentials", str(credentials_file())]}[variant]
    peer = start_headwater(variant, data_dir, extra=extra)
    try:
        workload = put_workload(TABLE, args.item_bytes)
        workload.signer = set_up(peer, variant)
        cpu0, wall0 = cpu_seconds(peer.pid()), time.perf_counter()
        result = measure(peer.address, workload, clients=args.clients,
                         processes=args.processes, warmup=args.warmup, duration=args.duration)
        cpu = (cpu_seconds(peer.pid()) - cpu0) / (time.perf_counter() - wall0)
        return result, cpu
    finally:
        peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--item-bytes", type=int, default=1024)
    parser.add_argument("--in-memory", action="store_true", help="servers without a data dir")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, "
          f"{'in memory' if args.in_memory else 'on disk'}, {args.rounds} round(s)")
    rates: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    cost: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    header = f"{'round':<7}{'server':<13}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}" \
             f"{'srv cpu':>9}{'us/req':>8}{'cli cpu':>9}"
    print(header)
    print("-" * len(header))
    for number in range(1, args.rounds + 1):
        for variant in VARIANTS:
            m, cpu = run(variant, args)
            rates[variant].append(m.requests_per_second)
            per_request = cpu / m.requests_per_second * 1e6 if m.requests_per_second else 0.0
            cost[variant].append(per_request)
            print(f"{number:<7}{variant:<13}{m.requests_per_second:>9,.0f}{m.p50_ms:>9.2f}"
                  f"{m.p99_ms:>9.2f}{m.errors:>8,}{cpu:>9.2f}{per_request:>8.0f}"
                  f"{m.client_cpu:>9.2f}")
            if m.first_error:
                print(f"  first error: {m.first_error}")
    median = {variant: statistics.median(rates[variant]) for variant in VARIANTS}
    cpu_median = {variant: statistics.median(cost[variant]) for variant in VARIANTS}
    slower = 1 - median["enforced"] / median["flagless"]
    verdict = "met" if slower < GOAL else "NOT met"
    print(f"\nPutItem/s, medians: without the flag {median['flagless']:,.0f}, with "
          f"--credentials {median['credentials']:,.0f}, with --enforce-iam and a 20-statement "
          f"policy {median['enforced']:,.0f}: {slower:.1%} slower than without the flag "
          f"(goal < {GOAL:.0%}: {verdict}); {1 - median['enforced'] / median['credentials']:.1%}"
          " slower than --credentials, which verifies signatures too")
    print("server CPU per request, medians: " + ", ".join(
        f"{variant} {cpu_median[variant]:.0f} us" for variant in VARIANTS))

if __name__ == "__main__":
    main()
