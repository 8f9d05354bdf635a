"""The live console (/_headwater/console) in a real headless browser: every page loads, a
PutItem shows its stream record and its trigger batch as they happen (server-sent events, no
reload), items are put and deleted from the page, and the clock moves from the page."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from server_support import Server, wait_for

pytestmark = pytest.mark.local_only

TABLE = "console-orders"
FUNCTION = "console-printer"
QUEUE = "console-queue"
HANDLER = '''
def handler(event, context):
    for record in event["Records"]:
        print("saw", record["eventName"], record["dynamodb"]["Keys"]["id"]["S"])
    return {}
'''
PAGES = ["tables", "streams", "mappings", "functions", "queues", "clock"]


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    """A table with a stream, a function triggered by it, a queue with a message and a topic."""
    ddb, lam = server.client("dynamodb"), server.client("lambda")
    sqs, sns = server.client("sqs"), server.client("sns")
    stream_arn = ddb.create_table(
        TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    lam.create_function(FunctionName=FUNCTION, Runtime="python3.12",
                        Role="arn:aws:iam::000000000000:role/console", Handler="handler.handler",
                        Code={"ZipFile": _zip(HANDLER)})
    uuid = lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=FUNCTION, StartingPosition="TRIM_HORIZON",
        BatchSize=10, MaximumRetryAttempts=2, BisectBatchOnFunctionError=True)["UUID"]
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled", 20)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody='{"hello": "console"}')
    topic = sns.create_topic(Name="console-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs",
                  Endpoint=sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=[
                      "QueueArn"])["Attributes"]["QueueArn"])
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "first"}, "total": {"N": "10"}})
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "first"}, "total": {"N": "12"}})
    return {"ddb": ddb, "lam": lam, "sqs": sqs, "sns": sns, "queue_url": queue_url,
            "uuid": uuid, "topic": topic}


def _offset(server: Server) -> float:
    with urllib.request.urlopen(f"{server.url}/_headwater/clock") as response:
        return float(json.load(response)["offset"])


def _open(page: Any, server: Server, name: str) -> None:
    page.goto(f"{server.url}/_headwater/console#{name}")
    page.wait_for_selector(f"body[data-ready='{name}']")
    page.wait_for_selector("#live[data-state='open']")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads(page: Any, server: Server, world: dict[str, Any], shots: Path,
                         name: str) -> None:
    if name == "streams":  # the record of the second put, old -> new
        world["ddb"].put_item(TableName=TABLE, Item={"id": {"S": "first"}, "total": {"N": "14"}})
    _open(page, server, name)
    main = page.locator("main")
    expected = {"tables": TABLE, "streams": "Stream of " + TABLE, "mappings": world["uuid"],
                "functions": FUNCTION, "queues": QUEUE, "clock": "Project clock"}[name]
    assert expected in main.inner_text()
    if name == "queues":
        page.click(f"[data-queue='{QUEUE}']")
        page.wait_for_selector("text=hello")
    if name == "streams":
        page.click(".shard[data-records='yes']")
        page.wait_for_selector("section[data-section^='Shard'] [data-record]")
    if name == "mappings":
        page.wait_for_selector("[data-batch='succeeded']")
    if name == "functions":
        page.wait_for_selector("[data-invocation]")
    page.screenshot(path=str(shots / f"{name}.png"))


def test_the_queue_view_peeks_without_receiving(page: Any, server: Server,
                                                 world: dict[str, Any]) -> None:
    _open(page, server, "queues")
    page.click(f"[data-queue='{QUEUE}']")
    page.wait_for_selector("text=hello")
    attributes = world["sqs"].get_queue_attributes(
        QueueUrl=world["queue_url"], AttributeNames=["ApproximateNumberOfMessages",
                                                     "ApproximateNumberOfMessagesNotVisible"])
    assert attributes["Attributes"] == {"ApproximateNumberOfMessages": "1",
                                        "ApproximateNumberOfMessagesNotVisible": "0"}


def test_a_message_published_to_a_topic_shows_live(page: Any, server: Server,
                                                    world: dict[str, Any]) -> None:
    _open(page, server, "queues")
    world["sns"].publish(TopicArn=world["topic"], Message="shipped order 42", Subject="orders")
    row = page.locator("tr[data-published='console-topic']", has_text="shipped order 42")
    row.wait_for()
    assert "orders" in row.inner_text()
    # It reached the subscribed queue, which the page re-read: peeked, not received.
    page.click(f"[data-queue='{QUEUE}']")
    page.locator("td pre", has_text="\"Type\" : \"Notification\"").wait_for()


def test_a_put_item_shows_its_record_and_its_batch_live(
        page: Any, server: Server, world: dict[str, Any], shots: Path) -> None:
    _open(page, server, "mappings")
    succeeded = page.locator("[data-batch='succeeded']").count()
    page.evaluate("location.hash = 'streams'")
    page.wait_for_selector("body[data-ready='streams']")
    world["ddb"].put_item(TableName=TABLE, Item={"id": {"S": "live-1"}, "total": {"N": "3"}})
    live = page.locator("section[data-section='Live records']")
    live.locator("tr[data-record]", has_text="live-1").wait_for()
    assert "INSERT" in live.locator("tr[data-record]", has_text="live-1").inner_text()
    # The update's record shows the old -> new change.
    world["ddb"].put_item(TableName=TABLE, Item={"id": {"S": "live-1"}, "total": {"N": "4"}})
    modify = live.locator("tr[data-record]", has_text="MODIFY").filter(has_text="live-1").first
    modify.wait_for()
    assert modify.locator("del").inner_text() == "3"
    assert modify.locator("ins").inner_text() == "4"
    page.screenshot(path=str(shots / "streams-live.png"))
    page.evaluate("location.hash = 'mappings'")
    page.wait_for_selector("body[data-ready='mappings']")
    page.wait_for_function(
        f"document.querySelectorAll(\"[data-batch='succeeded']\").length > {succeeded}")
    page.wait_for_selector("section[data-section^='IteratorAge'] polyline")
    page.screenshot(path=str(shots / "mappings-live.png"))


def test_items_are_put_and_deleted_from_the_page(page: Any, server: Server,
                                                 world: dict[str, Any]) -> None:
    _open(page, server, "tables")
    page.fill("#put-item", json.dumps({"id": {"S": "from-page"}, "n": {"N": "7"}}))
    page.click("#put-button")
    row = page.locator("tr[data-item]", has_text="from-page")
    row.wait_for()
    item = world["ddb"].get_item(TableName=TABLE, Key={"id": {"S": "from-page"}})["Item"]
    assert item == {"id": {"S": "from-page"}, "n": {"N": "7"}}
    row.get_by_role("button", name="Delete").click()
    row.wait_for(state="detached")
    assert "Item" not in world["ddb"].get_item(TableName=TABLE, Key={"id": {"S": "from-page"}})


def test_the_clock_advances_from_the_page(page: Any, server: Server,
                                          world: dict[str, Any]) -> None:
    _open(page, server, "clock")
    before = _offset(server)
    page.click("[data-advance='3600']")
    wait_for(lambda: _offset(server) >= before + 3600)
    page.wait_for_function(
        f"Number(document.getElementById('clock-offset').dataset.offset) >= {before + 3600}")


def test_a_ttl_removal_after_a_clock_move_shows_marked(
        page: Any, server: Server, world: dict[str, Any]) -> None:
    ddb = world["ddb"]
    ddb.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    now = server.clock.now()
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "short-lived"},
                                        "expires": {"N": str(int(now) + 600)}})
    _open(page, server, "clock")
    page.click("[data-advance='3600']")
    page.evaluate("location.hash = 'streams'")
    page.wait_for_selector("body[data-ready='streams']")
    removal = page.locator("section[data-section='Live records'] tr[data-record]",
                           has_text="REMOVE").filter(has_text="short-lived").first
    removal.wait_for()
    assert removal.locator(".tag.ttl").inner_text() == "TTL"


FAILING = '''
def handler(event, context):
    raise RuntimeError("no")
'''


def test_a_failed_batch_shows_where_it_went(page: Any, server: Server,
                                            world: dict[str, Any], shots: Path) -> None:
    ddb, lam, sqs = world["ddb"], world["lam"], world["sqs"]
    stream_arn = ddb.create_table(
        TableName="console-failing", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    lam.create_function(FunctionName="console-failing", Runtime="python3.12",
                        Role="arn:aws:iam::000000000000:role/console", Handler="handler.handler",
                        Code={"ZipFile": _zip(FAILING)})
    dead = sqs.create_queue(QueueName="console-failures")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    uuid = lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="console-failing", StartingPosition="LATEST",
        MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": dead_arn}})["UUID"]
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled", 20)
    _open(page, server, "mappings")
    ddb.put_item(TableName="console-failing", Item={"id": {"S": "doomed"}})
    dropped = page.locator("[data-batch='dropped']").first
    dropped.wait_for(timeout=30_000)
    assert f"sent to {dead_arn}" in dropped.inner_text()
    assert "RetryAttemptsExhausted" in dropped.inner_text()
    assert page.locator("[data-batch='invoked']", has_text="attempt 2").count() >= 1
    page.screenshot(path=str(shots / "mappings-failure.png"))
