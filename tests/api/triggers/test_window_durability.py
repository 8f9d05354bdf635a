"""Durable tumbling windows (DESIGN.md principle 5, aws-facts §4.6): the open window's state is
saved with the checkpoint, so a restart (SIGTERM or SIGKILL), a disable/enable or an update in
the middle of a window resumes with the state the function last returned.

The guarantee tested: every invocation's `state` covers exactly the window's records before
its batch, each once, so the final invocation's state counts every record once. After SIGTERM,
disable or update no record is sent twice; after SIGKILL the batch in flight may be sent again,
with the same state it was first sent with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, start_server
from triggers_support import HOST_FILES, ROLE, events, settle, wait_for, zip_source

WINDOW = 900  # the longest window: the tests never cross a window boundary by accident

# Appends each event to $OUT; in a window it returns the state with the record count and the
# list of sequence numbers it has seen, so any record counted twice shows in the final state.
STATE_HANDLER = '''
import json, os, time

def handler(event, context):
    time.sleep(float(os.environ.get("SLEEP", "0")))
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    if "window" not in event:
        return {}
    state = dict(event["state"] or {})
    seqs = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
    state["count"] = state.get("count", 0) + len(seqs)
    state["seqs"] = state.get("seqs", []) + seqs
    return {"state": state}
'''


def align(clock: Any) -> None:
    """Move the clock just past the start of a window, so the whole test fits in one."""
    now = clock.now()
    clock.advance(WINDOW - now % WINDOW + 1)


def seqs_of(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]


def delivered(out: Path) -> list[str]:
    return [seq for event in events(out) for seq in seqs_of(event)]


def finals(out: Path) -> list[dict[str, Any]]:
    return [e for e in events(out) if e.get("isFinalInvokeForWindow")]


def check_states(out: Path, written: int) -> dict[str, Any]:
    """Each batch was sent with the state of exactly the window's earlier records; the final
    state holds every record once. Returns the final event."""
    order = sorted(set(delivered(out)), key=int)
    assert len(order) == written
    for event in events(out):
        if event["isFinalInvokeForWindow"]:
            assert event["state"]["seqs"] == order and event["state"]["count"] == written
            continue
        first = int(seqs_of(event)[0])
        assert event["state"].get("seqs", []) == [s for s in order if int(s) < first]
    last = finals(out)
    assert last and all(e["state"] == last[0]["state"] for e in last)
    assert all(e["isWindowTerminatedEarly"] is False and e["Records"] == [] for e in last)
    return last[0]


def put(ddb: Any, table: str, numbers: range) -> None:
    for i in numbers:  # one key: every record in one shard, so one window
        ddb.put_item(TableName=table, Item={"pk": {"S": "order"}, "n": {"N": str(i)}})


def _setup(server: Server, out: Path) -> None:
    lam, ddb = server.client("lambda"), server.client("dynamodb")
    lam.create_function(FunctionName="counter", Runtime="python3.12", Role=ROLE,
                        Handler="handler.handler", Code={"ZipFile": zip_source(STATE_HANDLER)},
                        Environment={"Variables": {"OUT": str(out), "SLEEP": "0.1"}})
    ddb.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
    lam.create_event_source_mapping(FunctionName="counter", EventSourceArn=arn,
                                    StartingPosition="TRIM_HORIZON", BatchSize=2,
                                    TumblingWindowInSeconds=WINDOW)


@pytest.mark.slow
@pytest.mark.local_only
@pytest.mark.parametrize("signal", ["SIGTERM", "SIGKILL"])
def test_restart_mid_window_keeps_the_state(tmp_path: Path, signal: str) -> None:
    data, out = tmp_path / "data", tmp_path / "events.jsonl"
    server = start_server("--data-dir", str(data), *HOST_FILES)
    try:
        align(server.clock)
        _setup(server, out)
        put(server.client("dynamodb"), "orders", range(20))
        wait_for(lambda: len(delivered(out)) >= 6)
    finally:
        if signal == "SIGKILL":
            server.kill()
        server.stop()
    assert len(set(delivered(out))) < 20, "the restart did not happen mid-window"
    server = start_server("--data-dir", str(data), *HOST_FILES)
    try:
        put(server.client("dynamodb"), "orders", range(20, 25))
        wait_for(lambda: len(set(delivered(out))) == 25, timeout=30)
        assert not finals(out)
        server.advance(WINDOW)
        wait_for(lambda: finals(out))
    finally:
        server.stop()
    check_states(out, 25)
    sent = Counter(delivered(out))
    if signal == "SIGTERM":  # in-flight batches finish and checkpoint before the exit
        assert set(sent.values()) == {1} and len(finals(out)) == 1
    else:  # at most the one batch in flight (BatchSize 2) is sent again
        assert sum(sent.values()) - 25 <= 2


@pytest.mark.local_only
def test_disable_enable_and_update_mid_window_keep_the_state(
        lam: Any, ddb: Any, clock: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(STATE_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    align(clock)
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=2,
                        TumblingWindowInSeconds=WINDOW)["UUID"]
    put(ddb, table, range(5))
    wait_for(lambda: len(delivered(out)) == 5)
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    settle(lam, uuid)
    put(ddb, table, range(5, 9))
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    settle(lam, uuid)
    wait_for(lambda: len(delivered(out)) == 9)
    lam.update_event_source_mapping(UUID=uuid, BatchSize=3)
    settle(lam, uuid)
    put(ddb, table, range(9, 13))
    wait_for(lambda: len(delivered(out)) == 13)
    assert not finals(out)
    clock.advance(WINDOW)
    wait_for(lambda: finals(out))
    final = check_states(out, 13)
    assert len(finals(out)) == 1 and set(Counter(delivered(out)).values()) == {1}
    assert final["state"]["count"] == 13


@pytest.mark.local_only
@pytest.mark.parametrize("new_window", [60, 0])
def test_changing_the_window_length_closes_the_open_window(
        lam: Any, ddb: Any, clock: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]], new_window: int) -> None:
    """Our choice (AWS documents nothing): the open window gets its final invocation with the
    state so far, marked terminated early; later records follow the new setting."""
    out = tmp_path / "events.jsonl"
    function = make_function(STATE_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    align(clock)
    uuid = make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=2,
                        TumblingWindowInSeconds=WINDOW)["UUID"]
    put(ddb, table, range(4))
    wait_for(lambda: len(delivered(out)) == 4)
    lam.update_event_source_mapping(UUID=uuid, TumblingWindowInSeconds=new_window)
    settle(lam, uuid)
    closed = wait_for(lambda: finals(out))[0]
    assert closed["state"]["count"] == 4 and closed["isWindowTerminatedEarly"] is True
    assert closed["Records"] == []
    assert closed["state"]["seqs"] == delivered(out)
    put(ddb, table, range(4, 7))
    wait_for(lambda: len(delivered(out)) == 7)
    later = [e for e in events(out)[events(out).index(closed) + 1:]]
    assert sum(len(e["Records"]) for e in later) == 3
    if new_window == 0:
        assert all("window" not in e for e in later)
        return
    assert later[0]["state"] == {}
    clock.advance(new_window)
    wait_for(lambda: len(finals(out)) == 2)
    assert finals(out)[1]["state"]["count"] == 3
