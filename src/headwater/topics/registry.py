"""The SNS state the runtime holds (`runtime.topics`): topic lookup and the publish path shared
by the Publish operation and Lambda failure destinations. Delivery to subscribed SQS queues
happens inside the publish's transaction, so a publish and its deliveries commit together."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headwater.core.clock import Clock
from headwater.core.events import Publish, ignore
from headwater.core.ids import new_uuid
from headwater.core.storage import Storage
from headwater.queues import messages as queue_messages
from headwater.queues.registry import Queues
from headwater.topics import envelope, filter_policy, store
from headwater.topics.errors import no_such_topic
from headwater.topics.names import parse_topic_arn
from headwater.topics.store import Subscription, Topic
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.functions.registry import Functions

MAX_SQS_ATTRIBUTES = 10


Record = Callable[..., None]


def _ignore(*_: object) -> None:
    return None


class Topics:
    def __init__(self, storage: Storage, clock: Clock, queues: Queues,
                 functions: Functions | None = None, announce: Publish = ignore,
                 record: Record | None = None) -> None:
        """`announce` tells the event bus of each message once committed (the live
        console); `record` takes AWS/SNS metrics by TopicName."""
        self.storage = storage
        self.announce = announce
        self.clock = clock
        self.queues = queues
        self.functions = functions  # lambda subscriptions invoke through it (None: not wired)
        # AWS/SNS metrics by TopicName (the composition root hands CloudWatch's recorder)
        self.record: Record = record or _ignore

    def get(self, arn: str, parameter: str = "TopicArn") -> Topic:
        parse_topic_arn(arn, parameter)
        topic = store.get_topic(self.storage.conn, arn)
        if topic is None:
            raise no_such_topic()
        return topic

    def publish(self, account: str, region: str, topic_arn: str, message: str,
                attributes: dict[str, Any] | None = None, subject: str | None = None) -> str:
        """Publish `message` (with message `attributes` and `subject`) to `topic_arn`; returns
        the message id. Joins the caller's `storage.transaction()` when there is one. Raises
        NotFound for a missing topic."""
        topic = self.get(topic_arn)
        return self.deliver(topic, message, subject, attributes)

    def deliver(self, topic: Topic, message: str | dict[str, str], subject: str | None,
                attributes: dict[str, Any] | None) -> str:
        """Deliver to every subscription in one transaction; `message` may be a per-protocol
        dict (MessageStructure json). Undeliverable subscriptions are skipped, as SNS drops
        deliveries to queues that are gone."""
        message_id = new_uuid()
        now = self.clock.now()
        where = (topic.account, topic.region, topic.name)
        published = message if isinstance(message, str) else message["default"]
        self.record(*where, "NumberOfMessagesPublished", 1)
        self.record(*where, "PublishSize", len(published.encode()), "Bytes")
        with self.storage.transaction() as conn:
            for subscription in store.subscriptions(conn, topic.id):
                text = message if isinstance(message, str) else \
                    message.get(subscription.protocol, message["default"])
                if not self._wanted(subscription, text, attributes):
                    self.record(*where, "NumberOfNotificationsFilteredOut", 1)
                    continue
                deliver = self._to_function if subscription.protocol == "lambda" \
                    else self._to_queue
                try:
                    deliver(conn, topic, subscription, message_id, text, subject, attributes,
                            now)
                except AwsError:
                    self.record(*where, "NumberOfNotificationsFailed", 1)
                    continue
                self.record(*where, "NumberOfNotificationsDelivered", 1)
            if self.announce is not ignore:
                shown = message if isinstance(message, str) else message["default"]
                event = {"account": topic.account, "region": topic.region, "topic": topic.name,
                         "topicArn": topic.arn, "messageId": message_id, "subject": subject,
                         "message": shown, "at": now}
                self.storage.after_commit(lambda: self.announce("message", event))
        return message_id

    @staticmethod
    def _wanted(subscription: Subscription, message: str,
                attributes: dict[str, Any] | None) -> bool:
        policy = subscription.attributes.get("FilterPolicy")
        if not policy:
            return True
        scope = subscription.attributes.get("FilterPolicyScope", "MessageAttributes")
        return filter_policy.matches(policy, scope, message, attributes)

    def _to_function(self, conn: Any, topic: Topic, subscription: Subscription,
                     message_id: str, message: str, subject: str | None,
                     attributes: dict[str, Any] | None, now: float) -> None:
        """An asynchronous (Event) invocation with SNS's Lambda event, queued durably in this
        transaction; a function that is gone drops the delivery, as SNS does."""
        if self.functions is None:
            return
        event = envelope.lambda_event(
            message_id=message_id, topic_arn=topic.arn, subscription_arn=subscription.arn,
            region=topic.region, message=message, subject=subject, attributes=attributes,
            now=now,
        )
        resolved = self.functions.resolve(topic.account, topic.region, subscription.endpoint)
        self.functions.events.enqueue(resolved, event)

    def _to_queue(self, conn: Any, topic: Topic, subscription: Subscription, message_id: str,
                  message: str, subject: str | None, attributes: dict[str, Any] | None,
                  now: float) -> None:
        queue = self.queues.from_arn(subscription.endpoint)
        if subscription.raw:
            body = message
            sqs_attributes = attributes if attributes and \
                len(attributes) <= MAX_SQS_ATTRIBUTES else None
        else:
            body = envelope.notification(
                message_id=message_id, topic_arn=topic.arn, subscription_arn=subscription.arn,
                region=topic.region, message=message, subject=subject, attributes=attributes,
                now=now,
            )
            sqs_attributes = None
        queue_messages.check_body(body, queue.number("MaximumMessageSize"), sqs_attributes)
        self.queues.enqueue(conn, queue, body, sqs_attributes, None, topic.account)
