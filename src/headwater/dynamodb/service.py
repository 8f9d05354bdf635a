"""DynamoDB's operations by name (X-Amz-Target `DynamoDB_20120810.<Name>`)."""

from __future__ import annotations

from headwater.dynamodb.operations.batch_execute_statement import batch_execute_statement
from headwater.dynamodb.operations.batch_get_item import batch_get_item
from headwater.dynamodb.operations.batch_write_item import batch_write_item, check_write_counts
from headwater.dynamodb.operations.create_table import check_table_name_given, create_table
from headwater.dynamodb.operations.delete_item import delete_item
from headwater.dynamodb.operations.delete_table import delete_table
from headwater.dynamodb.operations.describe_endpoints import describe_endpoints
from headwater.dynamodb.operations.describe_limits import describe_limits
from headwater.dynamodb.operations.describe_table import describe_table
from headwater.dynamodb.operations.describe_time_to_live import describe_time_to_live
from headwater.dynamodb.operations.execute_statement import execute_statement
from headwater.dynamodb.operations.execute_transaction import execute_transaction
from headwater.dynamodb.operations.get_item import get_item
from headwater.dynamodb.operations.global_tables_legacy import (
    create_global_table,
    describe_global_table,
    describe_global_table_settings,
    list_global_tables,
    update_global_table,
    update_global_table_settings,
)
from headwater.dynamodb.operations.list_tables import list_tables
from headwater.dynamodb.operations.put_item import put_item
from headwater.dynamodb.operations.query import query
from headwater.dynamodb.operations.resource_policy import (
    delete_resource_policy,
    get_resource_policy,
    put_resource_policy,
)
from headwater.dynamodb.operations.scan import scan
from headwater.dynamodb.operations.table_replica_auto_scaling import (
    describe_table_replica_auto_scaling,
    update_table_replica_auto_scaling,
)
from headwater.dynamodb.operations.tags import (
    list_tags_of_resource,
    tag_resource,
    untag_resource,
)
from headwater.dynamodb.operations.transact_get_items import transact_get_items
from headwater.dynamodb.operations.transact_write_items import transact_write_items
from headwater.dynamodb.operations.update_item import update_item
from headwater.dynamodb.operations.update_table import update_table
from headwater.dynamodb.operations.update_time_to_live import update_time_to_live

OPERATIONS = {
    "BatchExecuteStatement": batch_execute_statement,
    "BatchGetItem": batch_get_item,
    "BatchWriteItem": batch_write_item,
    "CreateGlobalTable": create_global_table,
    "CreateTable": create_table,
    "DeleteItem": delete_item,
    "DeleteResourcePolicy": delete_resource_policy,
    "DeleteTable": delete_table,
    "DescribeEndpoints": describe_endpoints,
    "DescribeGlobalTable": describe_global_table,
    "DescribeGlobalTableSettings": describe_global_table_settings,
    "DescribeLimits": describe_limits,
    "DescribeTable": describe_table,
    "DescribeTableReplicaAutoScaling": describe_table_replica_auto_scaling,
    "DescribeTimeToLive": describe_time_to_live,
    "ExecuteStatement": execute_statement,
    "ExecuteTransaction": execute_transaction,
    "GetItem": get_item,
    "GetResourcePolicy": get_resource_policy,
    "ListGlobalTables": list_global_tables,
    "ListTables": list_tables,
    "ListTagsOfResource": list_tags_of_resource,
    "PutItem": put_item,
    "PutResourcePolicy": put_resource_policy,
    "Query": query,
    "Scan": scan,
    "TagResource": tag_resource,
    "TransactGetItems": transact_get_items,
    "TransactWriteItems": transact_write_items,
    "UntagResource": untag_resource,
    "UpdateGlobalTable": update_global_table,
    "UpdateGlobalTableSettings": update_global_table_settings,
    "UpdateItem": update_item,
    "UpdateTable": update_table,
    "UpdateTableReplicaAutoScaling": update_table_replica_auto_scaling,
    "UpdateTimeToLive": update_time_to_live,
}

# Checks AWS makes before validating a request against the model.
PRECHECKS = {
    "BatchWriteItem": check_write_counts,
    "CreateTable": check_table_name_given,
}
