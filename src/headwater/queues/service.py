"""SQS's operations by name (X-Amz-Target `AmazonSQS.<Name>`, JSON 1.0 protocol)."""

from __future__ import annotations

from headwater.queues.operations.change_message_visibility import (
    change_message_visibility,
    change_message_visibility_batch,
)
from headwater.queues.operations.create_queue import create_queue
from headwater.queues.operations.delete_message import delete_message, delete_message_batch
from headwater.queues.operations.delete_queue import delete_queue
from headwater.queues.operations.get_queue_attributes import get_queue_attributes
from headwater.queues.operations.get_queue_url import get_queue_url
from headwater.queues.operations.list_dead_letter_source_queues import (
    list_dead_letter_source_queues,
)
from headwater.queues.operations.list_queues import list_queues
from headwater.queues.operations.message_move_tasks import (
    cancel_message_move_task,
    list_message_move_tasks,
    start_message_move_task,
)
from headwater.queues.operations.purge_queue import purge_queue
from headwater.queues.operations.receive_message import receive_message
from headwater.queues.operations.send_message import send_message
from headwater.queues.operations.send_message_batch import send_message_batch
from headwater.queues.operations.set_queue_attributes import set_queue_attributes
from headwater.queues.operations.tags import list_queue_tags, tag_queue, untag_queue

OPERATIONS = {
    "CancelMessageMoveTask": cancel_message_move_task,
    "ChangeMessageVisibility": change_message_visibility,
    "ChangeMessageVisibilityBatch": change_message_visibility_batch,
    "CreateQueue": create_queue,
    "DeleteMessage": delete_message,
    "DeleteMessageBatch": delete_message_batch,
    "DeleteQueue": delete_queue,
    "GetQueueAttributes": get_queue_attributes,
    "GetQueueUrl": get_queue_url,
    "ListDeadLetterSourceQueues": list_dead_letter_source_queues,
    "ListMessageMoveTasks": list_message_move_tasks,
    "ListQueueTags": list_queue_tags,
    "ListQueues": list_queues,
    "PurgeQueue": purge_queue,
    "ReceiveMessage": receive_message,
    "SendMessage": send_message,
    "SendMessageBatch": send_message_batch,
    "SetQueueAttributes": set_queue_attributes,
    "StartMessageMoveTask": start_message_move_task,
    "TagQueue": tag_queue,
    "UntagQueue": untag_queue,
}
