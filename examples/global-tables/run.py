"""Two regions, one global table, a conflict while replication is paused, and convergence
after it resumes, told as a short story.

    python examples/global-tables/run.py                      # starts its own in-memory server
    python examples/global-tables/run.py --endpoint http://127.0.0.1:4566
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
import uuid
from typing import Any

import boto3
from botocore.config import Config

EAST, WEST = "us-east-1", "us-west-2"


def client(endpoint: str, region: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="000000000000", aws_secret_access_key="x",
                        config=Config(retries={"mode": "standard"}))


def control(endpoint: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET (or POST `body` to) Headwater's /_headwater/replication."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{endpoint}/_headwater/replication", data=data,
                                     method="GET" if body is None else "POST")
    with urllib.request.urlopen(request) as response:
        return dict(json.loads(response.read()))


def email(ddb: Any, table: str, user: str) -> str:
    item = ddb.get_item(TableName=table, Key={"user": {"S": user}}).get("Item")
    return "(no item)" if item is None else item["email"]["S"]


def wait_until(check: Any, timeout: float = 10.0) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            sys.exit("the replicas did not converge in time")
        time.sleep(0.005)
    return time.monotonic() - started


def story(endpoint: str) -> None:
    east, west = client(endpoint, EAST), client(endpoint, WEST)
    table = f"profiles-{uuid.uuid4().hex[:6]}"
    east.create_table(TableName=table, KeySchema=[{"AttributeName": "user", "KeyType": "HASH"}],
                      AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"}],
                      BillingMode="PAY_PER_REQUEST")
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    replicas = west.describe_table(TableName=table)["Table"]["Replicas"]
    print(f"1. {table} lives in {EAST}; a replica now serves {WEST} "
          f"(its Replicas: {[r['RegionName'] + ' ' + r['ReplicaStatus'] for r in replicas]}).")

    east.put_item(TableName=table, Item={"user": {"S": "ana"}, "email": {"S": "ana@old.example"}})
    took = wait_until(lambda: email(west, table, "ana") == "ana@old.example")
    print(f"2. Ana signs up in {EAST}; {WEST} sees her {took * 1000:.1f} ms later.")

    control(endpoint, {"paused": True})
    print("3. The link between the regions goes down (replication paused).")
    east.put_item(TableName=table, Item={"user": {"S": "ana"}, "email": {"S": "ana@east.example"}})
    time.sleep(0.01)
    west.put_item(TableName=table, Item={"user": {"S": "ana"}, "email": {"S": "ana@west.example"}})
    print(f"   Ana changes her email in {EAST}, then again, a moment later, in {WEST}.")
    print(f"   {EAST} says {email(east, table, 'ana')}; {WEST} says {email(west, table, 'ana')}.")
    backlog = {f"{p['source']}->{p['target']}": p["backlog"]
               for p in control(endpoint)["pairs"] if p["table"] == table}
    print(f"   Waiting to replicate: {backlog}.")

    control(endpoint, {"paused": False})
    took = wait_until(lambda: email(east, table, "ana") == email(west, table, "ana"))
    print(f"4. The link comes back; {took * 1000:.1f} ms later both regions agree: "
          f"{email(east, table, 'ana')}.")
    print("   The later write won everywhere (last writer wins); the earlier one is gone, in "
          f"{EAST} too, though it was accepted there.")
    west.delete_table(TableName=table)
    east.delete_table(TableName=table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running Headwater (default: start one)")
    args = parser.parse_args()
    if args.endpoint:
        story(args.endpoint)
        return
    server = subprocess.Popen([sys.executable, "-m", "headwater", "serve", "--in-memory",
                               "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        story(server.stdout.readline().strip())
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
