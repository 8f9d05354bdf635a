"""TagResource, UntagResource and ListTags — `/2017-03-31/tags/{ARN}` (POST 204, DELETE 204,
GET 200) — for functions; CreateFunction's `Tags` pass the same checks.

Tags belong to the function, not to its versions or aliases (Lambda developer guide, "Using
tags on Lambda functions"), and live in the function's row, so they go with it on delete. The
model checks key (1-128) and value (0-256) lengths and characters; the checks here are the
ones it cannot state. Messages as AWS gives them (LocalStack's AWS-validated Lambda provider
and tag tests, localstack-core/localstack/services/lambda_/provider.py) unless marked.
"""

from __future__ import annotations

import re
from typing import Any

from headwater.functions.context import RequestContext
from headwater.functions.errors import InvalidParameterValueException
from headwater.functions.names import FunctionRef
from headwater.functions.store import FunctionRecord

MAX_TAGS = 50
RESERVED_PREFIX = "aws:"
# What is left once the model's TaggableResource pattern has matched.
_TAGGABLE = re.compile(r"arn:[^:]*:lambda:(?P<region>[^:]+):(?P<account>\d{12}):"
                       r"(?P<type>[a-z-]+):(?P<id>[^:]+)(?::(?P<qualifier>.*))?")


def check_keys(tags: dict[str, str]) -> None:
    """The "aws:" prefix (any case) is AWS's own."""
    reserved = [key for key in tags if key.lower().startswith(RESERVED_PREFIX)]
    if reserved:
        # AWS's wording for this case is not documented or recorded anywhere we could find;
        # the rule itself is the general tagging one ("aws:" is reserved for AWS use).
        raise InvalidParameterValueException(
            f"Tag keys starting with '{RESERVED_PREFIX}' are reserved for AWS use: "
            f"{', '.join(reserved)}")


def check_count(tags: dict[str, str]) -> None:
    """The limit applies to the function's whole tag set, after merging."""
    if len(tags) > MAX_TAGS:
        raise InvalidParameterValueException("Number of tags exceeds function tag limit.")


def _function(ctx: RequestContext, arn: str) -> FunctionRecord:
    found = _TAGGABLE.fullmatch(arn)
    if found is None or found["type"] != "function":
        # Event source mappings, code signing configs and capacity providers are taggable in
        # AWS; Headwater keeps tags on functions only. AWS's own answer for a resource it
        # cannot tag (hashicorp/terraform-provider-aws#39849, 2024-10).
        raise InvalidParameterValueException(
            f"Unsupported resource type for tagging or invalid arn: {arn}")
    if found["qualifier"] is not None:
        raise InvalidParameterValueException(
            "Tags on function aliases and versions are not supported. Please specify a "
            "function ARN.")
    ref = FunctionRef(found["account"], found["region"], found["id"], None)
    return ctx.runtime.functions.function(ref)


def tag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagResource: adds tags, overwriting the values of keys already there."""
    if not request["Tags"]:
        raise InvalidParameterValueException(
            "An error occurred and the request cannot be processed.")
    check_keys(request["Tags"])
    record = _function(ctx, request["Resource"])
    tags = {**record.tags, **request["Tags"]}
    check_count(tags)
    ctx.runtime.functions.store.set_tags(record.id, tags)
    return {}


def untag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagResource: a key the function does not have is not an error."""
    record = _function(ctx, request["Resource"])
    removed = set(request["TagKeys"])
    tags = {key: value for key, value in record.tags.items() if key not in removed}
    if tags != record.tags:
        ctx.runtime.functions.store.set_tags(record.id, tags)
    return {}


def list_tags(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTags: `{"Tags": {}}` for a function without tags."""
    return {"Tags": _function(ctx, request["Resource"]).tags}
