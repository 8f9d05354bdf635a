"""SNS's operations by name (query protocol, `Action=<Name>`)."""

from __future__ import annotations

from headwater.topics.operations.create_topic import create_topic
from headwater.topics.operations.delete_topic import delete_topic
from headwater.topics.operations.list_subscriptions import (
    list_subscriptions,
    list_subscriptions_by_topic,
)
from headwater.topics.operations.list_topics import list_topics
from headwater.topics.operations.publish import publish
from headwater.topics.operations.publish_batch import publish_batch
from headwater.topics.operations.subscribe import subscribe, unsubscribe
from headwater.topics.operations.subscription_attributes import (
    get_subscription_attributes,
    set_subscription_attributes,
)
from headwater.topics.operations.tags import (
    list_tags_for_resource,
    tag_resource,
    untag_resource,
)
from headwater.topics.operations.topic_attributes import (
    get_topic_attributes,
    set_topic_attributes,
)

OPERATIONS = {
    "CreateTopic": create_topic,
    "DeleteTopic": delete_topic,
    "GetSubscriptionAttributes": get_subscription_attributes,
    "GetTopicAttributes": get_topic_attributes,
    "ListSubscriptions": list_subscriptions,
    "ListSubscriptionsByTopic": list_subscriptions_by_topic,
    "ListTagsForResource": list_tags_for_resource,
    "ListTopics": list_topics,
    "Publish": publish,
    "PublishBatch": publish_batch,
    "SetSubscriptionAttributes": set_subscription_attributes,
    "SetTopicAttributes": set_topic_attributes,
    "Subscribe": subscribe,
    "TagResource": tag_resource,
    "Unsubscribe": unsubscribe,
    "UntagResource": untag_resource,
}
