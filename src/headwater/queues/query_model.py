"""SQS's legacy query protocol model: botocore now ships SQS as JSON only, and the query-era
serialization names (`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`,
`SendMessageBatchRequestEntry.1.Id`, flattened `<Message>` and `<Attribute>` elements in
responses) are gone from it. They are restored here as data, from the 2012-11-05 query model, so
SDKs that predate SQS's JSON protocol (boto3 before 1.34, the Java SDK v1, ...) still work.
Modelled errors get back their query codes (`AWS.SimpleQueueService.NonExistentQueue`)."""

from __future__ import annotations

import copy
import functools
from typing import Any

import botocore.session
from botocore.model import ServiceModel

from headwater.queues.errors import query_errors

XML_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"

# shape -> flattened list member / map key and value names
LISTS = {
    "AttributeNameList": "AttributeName",
    "MessageAttributeNameList": "MessageAttributeName",
    "MessageSystemAttributeList": "MessageSystemAttributeName",
    "TagKeyList": "TagKey",
    "QueueUrlList": "QueueUrl",
    "MessageList": "Message",
    "StringList": "StringListValue",
    "BinaryList": "BinaryListValue",
    "SendMessageBatchRequestEntryList": "SendMessageBatchRequestEntry",
    "SendMessageBatchResultEntryList": "SendMessageBatchResultEntry",
    "DeleteMessageBatchRequestEntryList": "DeleteMessageBatchRequestEntry",
    "DeleteMessageBatchResultEntryList": "DeleteMessageBatchResultEntry",
    "ChangeMessageVisibilityBatchRequestEntryList": "ChangeMessageVisibilityBatchRequestEntry",
    "ChangeMessageVisibilityBatchResultEntryList": "ChangeMessageVisibilityBatchResultEntry",
    "BatchResultErrorEntryList": "BatchResultErrorEntry",
}
MAPS = {
    "QueueAttributeMap": ("Name", "Value"),
    "MessageBodyAttributeMap": ("Name", "Value"),
    "MessageBodySystemAttributeMap": ("Name", "Value"),
    "MessageSystemAttributeMap": ("Name", "Value"),
    "TagMap": ("Key", "Value"),
}
# structure member -> element name
MEMBERS = {
    "Attributes": "Attribute",
    "MessageAttributes": "MessageAttribute",
    "MessageSystemAttributes": "MessageSystemAttribute",
    "tags": "Tag",
    "Tags": "Tag",
    "StringListValues": "StringListValue",
    "BinaryListValues": "BinaryListValue",
}


@functools.cache
def sqs_query_model() -> ServiceModel:
    return ServiceModel(sqs_query_data(), service_name="sqs")


def sqs_query_data() -> dict[str, Any]:
    """botocore's SQS model with the query protocol's names restored."""
    loader = botocore.session.get_session().get_component("data_loader")
    data: dict[str, Any] = copy.deepcopy(loader.load_service_model("sqs", "service-2"))
    data["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=XML_NAMESPACE)
    shapes = data["shapes"]
    for name, member in LISTS.items():
        if name in shapes:
            shapes[name]["flattened"] = True
            shapes[name]["member"]["locationName"] = member
    for name, (key, value) in MAPS.items():
        if name in shapes:
            shapes[name]["flattened"] = True
            shapes[name]["key"]["locationName"] = key
            shapes[name]["value"]["locationName"] = value
    for shape in shapes.values():
        for member_name, member in shape.get("members", {}).items():
            target = shapes[member["shape"]]["type"]
            if member_name in MEMBERS and target in ("list", "map"):
                member["locationName"] = MEMBERS[member_name]
    for name, operation in data["operations"].items():
        if "output" in operation:
            operation["output"]["resultWrapper"] = f"{name}Result"
    for code, header in query_errors().items():
        if code in shapes and shapes[code].get("exception"):
            query_code, _, fault = header.partition(";")
            shapes[code]["error"] = {"code": query_code, "httpStatusCode": 400,
                                     "senderFault": fault == "Sender"}
    return data
