"""Lambda's function operations by name (rest-json, routes from botocore's lambda model)."""

from __future__ import annotations

from typing import Any

from headwater.functions.config import check_runtime
from headwater.functions.operations.aliases import (
    create_alias,
    delete_alias,
    get_alias,
    list_aliases,
    update_alias,
)
from headwater.functions.operations.concurrency import (
    delete_function_concurrency,
    get_function_concurrency,
    put_function_concurrency,
)
from headwater.functions.operations.create_function import create_function
from headwater.functions.operations.delete_function import delete_function
from headwater.functions.operations.event_invoke_config import (
    delete_function_event_invoke_config,
    get_function_event_invoke_config,
    list_function_event_invoke_configs,
    put_function_event_invoke_config,
    update_function_event_invoke_config,
)
from headwater.functions.operations.get_function import get_function, get_function_configuration
from headwater.functions.operations.invoke import invoke
from headwater.functions.operations.list_functions import list_functions
from headwater.functions.operations.permissions import (
    add_permission,
    get_policy,
    remove_permission,
)
from headwater.functions.operations.tags import list_tags, tag_resource, untag_resource
from headwater.functions.operations.update_function import (
    update_function_code,
    update_function_configuration,
)
from headwater.functions.operations.versions import list_versions_by_function, publish_version

OPERATIONS = {
    "AddPermission": add_permission,
    "CreateAlias": create_alias,
    "CreateFunction": create_function,
    "DeleteAlias": delete_alias,
    "DeleteFunction": delete_function,
    "DeleteFunctionConcurrency": delete_function_concurrency,
    "DeleteFunctionEventInvokeConfig": delete_function_event_invoke_config,
    "GetAlias": get_alias,
    "GetFunction": get_function,
    "GetFunctionConcurrency": get_function_concurrency,
    "GetFunctionConfiguration": get_function_configuration,
    "GetFunctionEventInvokeConfig": get_function_event_invoke_config,
    "GetPolicy": get_policy,
    "Invoke": invoke,
    "ListAliases": list_aliases,
    "ListFunctionEventInvokeConfigs": list_function_event_invoke_configs,
    "ListFunctions": list_functions,
    "ListTags": list_tags,
    "ListVersionsByFunction": list_versions_by_function,
    "PublishVersion": publish_version,
    "PutFunctionConcurrency": put_function_concurrency,
    "PutFunctionEventInvokeConfig": put_function_event_invoke_config,
    "RemovePermission": remove_permission,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "UpdateAlias": update_alias,
    "UpdateFunctionCode": update_function_code,
    "UpdateFunctionConfiguration": update_function_configuration,
    "UpdateFunctionEventInvokeConfig": update_function_event_invoke_config,
}


def _runtime_first(request: dict[str, Any]) -> None:
    # AWS reports an unknown runtime as InvalidParameterValueException, before the model check.
    if isinstance(request.get("Runtime"), str):
        check_runtime(request["Runtime"])


PRECHECKS = {
    "CreateFunction": _runtime_first,
    "UpdateFunctionConfiguration": _runtime_first,
}
