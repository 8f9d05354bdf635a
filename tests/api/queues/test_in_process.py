"""The in-process API the trigger engine uses for failure destinations:
`runtime.queues.send_message` and `runtime.topics.publish`, inside a caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from headwater.core.context import RequestContext
from headwater.queues.errors import QueueDoesNotExist
from headwater.queues.operations.create_queue import create_queue
from headwater.queues.operations.receive_message import receive_message
from headwater.runtime import Runtime
from headwater.settings import Settings
from headwater.topics.errors import NotFound
from headwater.topics.operations.create_topic import create_topic
from headwater.topics.operations.subscribe import subscribe

ACCOUNT, REGION = "123456789012", "us-east-2"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    running = Runtime(Settings())
    ctx = RequestContext(ACCOUNT, REGION, "r", running, "localhost:4566")
    create_queue(ctx, {"QueueName": "failures"})
    yield running
    running.close()


def _bodies(runtime: Runtime) -> list[str]:
    import asyncio

    ctx = RequestContext(ACCOUNT, REGION, "r", runtime, "localhost:4566")
    url = f"http://localhost:4566/{ACCOUNT}/failures"
    result = asyncio.run(receive_message(ctx, {"QueueUrl": url, "MaxNumberOfMessages": 10}))
    return [message["Body"] for message in result.get("Messages", [])]


def test_send_message_joins_the_callers_transaction(runtime: Runtime) -> None:
    with runtime.storage.transaction():
        message_id = runtime.queues.send_message(ACCOUNT, REGION, QUEUE_ARN, '{"a": 1}')
    assert len(message_id) == 36
    with pytest.raises(RuntimeError), runtime.storage.transaction():
        runtime.queues.send_message(ACCOUNT, REGION, QUEUE_ARN, "rolled back")
        raise RuntimeError("the checkpoint failed")
    assert _bodies(runtime) == ['{"a": 1}']


def test_send_message_to_a_missing_queue(runtime: Runtime) -> None:
    with pytest.raises(QueueDoesNotExist):
        runtime.queues.send_message(ACCOUNT, REGION, QUEUE_ARN + "-missing", "x")
    with pytest.raises(QueueDoesNotExist):
        runtime.queues.send_message(ACCOUNT, REGION, "not an arn", "x")


def test_publish_delivers_enveloped_inside_the_transaction(runtime: Runtime) -> None:
    ctx = RequestContext(ACCOUNT, REGION, "r", runtime, "localhost:4566")
    topic = create_topic(ctx, {"Name": "failures-topic"})["TopicArn"]
    subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs", "Endpoint": QUEUE_ARN})
    with runtime.storage.transaction():
        message_id = runtime.topics.publish(ACCOUNT, REGION, topic, '{"record": 1}')
    [body] = _bodies(runtime)
    envelope = orjson.loads(body)
    assert envelope["MessageId"] == message_id
    assert envelope["Message"] == '{"record": 1}'
    assert envelope["TopicArn"] == topic
    with pytest.raises(NotFound):
        runtime.topics.publish(ACCOUNT, REGION, topic + "-missing", "x")


def test_operation_tables_match_the_models() -> None:
    from headwater.queues.service import OPERATIONS as SQS
    from headwater.topics.service import OPERATIONS as SNS
    from headwater.wire.models import service_model

    for name, operations in (("sqs", SQS), ("sns", SNS)):
        assert set(operations) <= set(service_model(name).operation_names)
        assert list(operations) == sorted(operations)


def test_send_message_to_a_fifo_queue_is_refused(runtime: Runtime) -> None:
    from headwater.queues.errors import MissingParameter

    ctx = RequestContext(ACCOUNT, REGION, "r", runtime, "localhost:4566")
    create_queue(ctx, {"QueueName": "ordered.fifo", "Attributes": {"FifoQueue": "true"}})
    with pytest.raises(MissingParameter):
        runtime.queues.send_message(ACCOUNT, REGION, QUEUE_ARN.replace("failures",
                                                                       "ordered.fifo"), "x")


def test_release_ends_long_polls(runtime: Runtime) -> None:
    import asyncio

    ctx = RequestContext(ACCOUNT, REGION, "r", runtime, "localhost:4566")
    url = f"http://localhost:4566/{ACCOUNT}/failures"

    async def scenario() -> dict[str, object]:
        poll = asyncio.ensure_future(receive_message(ctx, {"QueueUrl": url,
                                                           "WaitTimeSeconds": 20}))
        await asyncio.sleep(0.1)
        assert not poll.done()
        runtime.queues.release()
        return await asyncio.wait_for(poll, 2)

    # wait_for fails the test if the release does not end the 20 s poll.
    assert asyncio.run(scenario()) == {}
