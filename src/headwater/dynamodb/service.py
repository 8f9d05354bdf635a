"""DynamoDB's operations by name (X-Amz-Target `DynamoDB_20120810.<Name>`)."""

from __future__ import annotations

from headwater.dynamodb.operations.create_table import create_table
from headwater.dynamodb.operations.delete_item import delete_item
from headwater.dynamodb.operations.delete_table import delete_table
from headwater.dynamodb.operations.describe_table import describe_table
from headwater.dynamodb.operations.describe_time_to_live import describe_time_to_live
from headwater.dynamodb.operations.get_item import get_item
from headwater.dynamodb.operations.list_tables import list_tables
from headwater.dynamodb.operations.put_item import put_item
from headwater.dynamodb.operations.query import query
from headwater.dynamodb.operations.scan import scan
from headwater.dynamodb.operations.update_item import update_item
from headwater.dynamodb.operations.update_table import update_table
from headwater.dynamodb.operations.update_time_to_live import update_time_to_live

OPERATIONS = {
    "CreateTable": create_table,
    "DeleteItem": delete_item,
    "DeleteTable": delete_table,
    "DescribeTable": describe_table,
    "DescribeTimeToLive": describe_time_to_live,
    "GetItem": get_item,
    "ListTables": list_tables,
    "PutItem": put_item,
    "Query": query,
    "Scan": scan,
    "UpdateItem": update_item,
    "UpdateTable": update_table,
    "UpdateTimeToLive": update_time_to_live,
}
