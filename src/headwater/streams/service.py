"""DynamoDB Streams' operations by name (X-Amz-Target `DynamoDBStreams_20120810.<Name>`)."""

from __future__ import annotations

from headwater.streams.operations.describe_stream import describe_stream
from headwater.streams.operations.get_records import get_records
from headwater.streams.operations.get_shard_iterator import get_shard_iterator
from headwater.streams.operations.list_streams import list_streams

OPERATIONS = {
    "DescribeStream": describe_stream,
    "GetRecords": get_records,
    "GetShardIterator": get_shard_iterator,
    "ListStreams": list_streams,
}
