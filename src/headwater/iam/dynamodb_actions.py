"""What DynamoDB and DynamoDB Streams operations ask IAM for (Service Authorization Reference,
"Actions, resources, and condition keys for Amazon DynamoDB"; DynamoDB developer guide,
"Using IAM policy conditions for fine-grained access control"):

- the action is `dynamodb:` + the operation, on the table's ARN; Query and Scan of an index
  on the index ARN (`table/T/index/I`); the Streams operations on the stream ARN (GetRecords:
  the stream its shard iterator belongs to); ListTables, ListStreams, DescribeLimits and
  DescribeEndpoints on "*";
- BatchGetItem/BatchWriteItem: one authorization per table with the batch action;
  TransactGetItems/TransactWriteItems: one per item with the item's action (GetItem, PutItem,
  UpdateItem, DeleteItem, ConditionCheckItem) and `dynamodb:EnclosingOperation`;
- PartiQL: dynamodb:PartiQLSelect/Insert/Update/Delete per statement on the table (or index);
- condition keys: `dynamodb:LeadingKeys` (the partition key values), `dynamodb:Attributes`
  (the attribute names read or written), `dynamodb:Select`, `dynamodb:ReturnValues`,
  `dynamodb:ReturnConsumedCapacity`.

LeadingKeys needs each table's partition key name (`key_names`: table name -> partition key
attribute). Without it, a single-attribute Key is taken as the partition key and a Query's
key condition is not read; PutItem and composite keys then carry no LeadingKeys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

# (action, resource, condition keys): a Mapping, as an item's keys are worked out on first use.
Authorization = tuple[str, str, Mapping[str, list[str]]]

GLOBAL = frozenset({"ListTables", "ListStreams", "DescribeLimits", "DescribeEndpoints",
                    "ListBackups", "ListGlobalTables", "ListContributorInsights",
                    "ListExports", "ListImports", "DescribeReservedCapacity",
                    "DescribeReservedCapacityOfferings"})
STREAM_OPERATIONS = frozenset({"DescribeStream", "GetShardIterator", "GetRecords"})
ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
PARTIQL = {"select": "PartiQLSelect", "insert": "PartiQLInsert", "update": "PartiQLUpdate",
           "delete": "PartiQLDelete"}
_FROM = re.compile(r'\b(from|into)\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)'
                   r'(?:\s*\.\s*("(?:[^"]|"")+"))?', re.IGNORECASE)
_UPDATE = re.compile(r'\s*update\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)', re.IGNORECASE)
_PATH_HEAD = re.compile(r"(?<![:#\w.])(#?[A-Za-z_][A-Za-z0-9_]*)")
_EXPRESSION_WORDS = frozenset({
    "set", "remove", "add", "delete", "and", "or", "not", "between", "in", "if_not_exists",
    "list_append", "attribute_exists", "attribute_not_exists", "attribute_type",
    "begins_with", "contains", "size"})


def table_arn(region: str, account: str, name: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def table_name(name: str) -> str:
    return name.split(":table/", 1)[1].split("/", 1)[0] if ":table/" in name else name


def authorizations(operation: str, account: str, region: str, request: Mapping[str, Any],
                   key_names: Mapping[str, str] | None = None) -> list[Authorization]:
    keys = key_names or {}
    if operation in GLOBAL:
        return [(f"dynamodb:{operation}", "*", {})]
    if operation in STREAM_OPERATIONS:
        return [(f"dynamodb:{operation}", _stream(request), {})]
    if operation in ("ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"):
        return _partiql(operation, account, region, request)
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return _batch(operation, account, region, request, keys)
    if operation in ("TransactGetItems", "TransactWriteItems"):
        return _transaction(operation, account, region, request, keys)
    name = request.get("TableName") or request.get("TableArn") or request.get("ResourceArn")
    if not isinstance(name, str):
        return [(f"dynamodb:{operation}", _other_resource(account, request), {})]
    resource = table_arn(region, account, name)
    index = request.get("IndexName")
    if operation in ("Query", "Scan") and isinstance(index, str):
        resource = f"{resource}/index/{index}"
    found: list[Authorization] = [(f"dynamodb:{operation}", resource,
                                   _ItemKeys(operation, request, keys, name))]
    replicas = request.get("ReplicaUpdates") or []
    if operation == "UpdateTable" and any("Create" in update for update in replicas):
        found.append(("dynamodb:CreateTableReplica", resource, {}))
    return found


class _ItemKeys(Mapping[str, list[str]]):
    """item_keys() of a request, worked out on first use: a decision no condition can change
    is cached (iam/enforcement.py) and never reads them, nor looks the table's key up."""

    __slots__ = ("_operation", "_request", "_key_names", "_table", "_found")

    def __init__(self, operation: str, request: Mapping[str, Any],
                 key_names: Mapping[str, str], table: str) -> None:
        self._operation, self._request = operation, request
        self._key_names, self._table = key_names, table
        self._found: dict[str, list[str]] | None = None

    def _keys(self) -> dict[str, list[str]]:
        if self._found is None:
            self._found = item_keys(self._operation, self._request,
                                    self._key_names.get(table_name(self._table)))
        return self._found

    def __getitem__(self, key: str) -> list[str]:
        return self._keys()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return repr(self._keys())


def _other_resource(account: str, request: Mapping[str, Any]) -> str:
    """A backup's ARN, a (legacy) global table's ARN, or "*"."""
    backup = request.get("BackupArn")
    if isinstance(backup, str):
        return backup
    global_table = request.get("GlobalTableName")
    if isinstance(global_table, str):
        return f"arn:aws:dynamodb::{account}:global-table/{global_table}"
    return "*"


def _stream(request: Mapping[str, Any]) -> str:
    arn = request.get("StreamArn")
    if isinstance(arn, str):
        return arn
    iterator = request.get("ShardIterator")
    if isinstance(iterator, str) and "|" in iterator:
        return iterator.split("|", 1)[0]  # `<StreamArn>|1|<blob>` (aws-facts §1.4)
    return "*"


def _value_text(value: Any) -> str | None:
    """A key attribute value as IAM sees it in dynamodb:LeadingKeys."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, text), = value.items()
        if kind in ("S", "N", "B") and isinstance(text, str):
            return text
    return None


def _leading(key: Any, partition_key: str | None) -> list[str]:
    if not isinstance(key, dict):
        return []
    if partition_key is None:
        if len(key) != 1:
            return []
        partition_key = next(iter(key))
    text = _value_text(key.get(partition_key))
    return [] if text is None else [text]


def _names(expression: Any, names: Any) -> list[str]:
    """Top-level attribute names an expression mentions, `#placeholders` resolved."""
    if not isinstance(expression, str):
        return []
    mapping = names if isinstance(names, dict) else {}
    found = []
    for token in _PATH_HEAD.findall(expression):
        if token.startswith("#"):
            resolved = mapping.get(token)
            if isinstance(resolved, str):
                found.append(resolved)
        elif token.lower() not in _EXPRESSION_WORDS:
            found.append(token)
    return found


def _query_leading(request: Mapping[str, Any], partition_key: str | None) -> list[str]:
    legacy = request.get("KeyConditions")
    if isinstance(legacy, dict):
        name = partition_key or (next(iter(legacy)) if len(legacy) == 1 else None)
        condition = legacy.get(name) if name else None
        if isinstance(condition, dict) and condition.get("ComparisonOperator") == "EQ":
            values = condition.get("AttributeValueList") or [None]
            text = _value_text(values[0])
            return [] if text is None else [text]
        return []
    expression = request.get("KeyConditionExpression")
    if partition_key is None or not isinstance(expression, str):
        return []
    names = request.get("ExpressionAttributeNames") or {}
    values = request.get("ExpressionAttributeValues") or {}
    for left, right in re.findall(r"(#?[\w.]+)\s*=\s*(:[\w]+)", expression):
        if (names.get(left) if left.startswith("#") else left) == partition_key:
            text = _value_text(values.get(right))
            return [] if text is None else [text]
    return []


_SCALAR_KEYS = (("Select", "dynamodb:select"), ("ReturnValues", "dynamodb:returnvalues"),
                ("ReturnConsumedCapacity", "dynamodb:returnconsumedcapacity"))


def item_keys(operation: str, request: Mapping[str, Any],
              partition_key: str | None) -> dict[str, list[str]]:
    """The DynamoDB condition keys of one item-level request."""
    context: dict[str, list[str]] = {}
    if operation == "PutItem":  # the hot path: kept short
        item = request.get("Item")
        if isinstance(item, dict) and item:
            context["dynamodb:attributes"] = list(item)
            if partition_key is not None:
                text = _value_text(item.get(partition_key))
                if text is not None:
                    context["dynamodb:leadingkeys"] = [text]
    else:
        _other_item_keys(operation, request, partition_key, context)
    for member, key in _SCALAR_KEYS:
        value = request.get(member)
        if isinstance(value, str):
            context[key] = [value]
    return context


def _other_item_keys(operation: str, request: Mapping[str, Any], partition_key: str | None,
                     context: dict[str, list[str]]) -> None:
    leading: list[str] = []
    attributes: list[str] = []
    names = request.get("ExpressionAttributeNames")
    if operation in ("GetItem", "DeleteItem", "UpdateItem", "ConditionCheckItem"):
        leading = _leading(request.get("Key"), partition_key)
    elif operation == "Query":
        leading = _query_leading(request, partition_key)
    if operation in ("GetItem", "Query", "Scan"):
        attributes = _names(request.get("ProjectionExpression"), names) + list(
            request.get("AttributesToGet") or [])
        if attributes:
            context["dynamodb:select"] = ["SPECIFIC_ATTRIBUTES"]
    if operation == "UpdateItem":
        attributes = list(request.get("Key") or {}) + _names(
            request.get("UpdateExpression"), names) + list(request.get("AttributeUpdates") or {})
    if leading:
        context["dynamodb:leadingkeys"] = leading
    if attributes:
        context["dynamodb:attributes"] = list(dict.fromkeys(attributes))


def _merge(contexts: Iterable[dict[str, list[str]]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for context in contexts:
        for key, values in context.items():
            merged.setdefault(key, [])
            merged[key] += [v for v in values if v not in merged[key]]
    return merged


def _batch(operation: str, account: str, region: str, request: Mapping[str, Any],
           keys: Mapping[str, str]) -> list[Authorization]:
    found: list[Authorization] = []
    for name, spec in (request.get("RequestItems") or {}).items():
        partition_key = keys.get(table_name(name))
        contexts = []
        if operation == "BatchGetItem" and isinstance(spec, dict):
            get = dict(spec, Key=None)
            contexts = [item_keys("GetItem", dict(get, Key=key), partition_key)
                        for key in spec.get("Keys") or []]
        elif isinstance(spec, list):
            for entry in spec:
                put = (entry or {}).get("PutRequest")
                delete = (entry or {}).get("DeleteRequest")
                if isinstance(put, dict):
                    contexts.append(item_keys("PutItem", put, partition_key))
                elif isinstance(delete, dict):
                    contexts.append(item_keys("DeleteItem", delete, partition_key))
        found.append((f"dynamodb:{operation}", table_arn(region, account, name),
                      _merge(contexts)))
    return found


def _transaction(operation: str, account: str, region: str, request: Mapping[str, Any],
                 keys: Mapping[str, str]) -> list[Authorization]:
    found: list[Authorization] = []
    for entry in request.get("TransactItems") or []:
        for kind, spec in (entry or {}).items():
            if not isinstance(spec, dict) or not isinstance(spec.get("TableName"), str):
                continue
            action = ITEM_ACTIONS.get(kind, operation)
            context = item_keys(action, spec, keys.get(table_name(spec["TableName"])))
            context["dynamodb:enclosingoperation"] = [operation]
            found.append((f"dynamodb:{action}", table_arn(region, account, spec["TableName"]),
                          context))
    return found


def _partiql_target(statement: str) -> tuple[str, str, str | None] | None:
    """(verb, table, index or None) of one PartiQL statement, or None when unreadable."""
    verb = statement.strip().split(None, 1)[0].lower() if statement.strip() else ""
    if verb not in PARTIQL:
        return None
    if verb == "update":
        match = _UPDATE.match(statement)
        return (verb, _unquote(match.group(1)), None) if match else None
    found = _FROM.search(statement)
    if found is None:
        return None
    index = _unquote(found.group(3)) if found.group(3) else None
    return verb, _unquote(found.group(2)), index


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _partiql(operation: str, account: str, region: str,
             request: Mapping[str, Any]) -> list[Authorization]:
    if operation == "ExecuteStatement":
        statements = [request]
    elif operation == "BatchExecuteStatement":
        statements = list(request.get("Statements") or [])
    else:
        statements = list(request.get("TransactStatements") or [])
    found: list[Authorization] = []
    for entry in statements:
        text = (entry or {}).get("Statement")
        target = _partiql_target(text) if isinstance(text, str) else None
        if target is None:
            continue  # the operation answers the unreadable statement
        verb, table, index = target
        resource = table_arn(region, account, table)
        if index is not None:
            resource = f"{resource}/index/{index}"
        found.append((f"dynamodb:{PARTIQL[verb]}", resource, {}))
    return found
