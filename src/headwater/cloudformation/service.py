"""CloudFormation's operations by name (query protocol, `Action=<Name>`, signing name
"cloudformation")."""

from __future__ import annotations

from headwater.cloudformation.operations.change_sets import (
    create_change_set,
    delete_change_set,
    describe_change_set,
    execute_change_set,
    list_change_sets,
)
from headwater.cloudformation.operations.create_stack import create_stack
from headwater.cloudformation.operations.delete_stack import delete_stack
from headwater.cloudformation.operations.describe_stacks import describe_stacks, list_stacks
from headwater.cloudformation.operations.exports import list_exports, list_imports
from headwater.cloudformation.operations.stack_events import describe_stack_events
from headwater.cloudformation.operations.stack_resources import (
    describe_stack_resource,
    describe_stack_resources,
    list_stack_resources,
)
from headwater.cloudformation.operations.templates import (
    get_template,
    get_template_summary,
    validate_template,
)
from headwater.cloudformation.operations.termination_protection import (
    update_termination_protection,
)
from headwater.cloudformation.operations.update_stack import update_stack

OPERATIONS = {
    "CreateChangeSet": create_change_set,
    "CreateStack": create_stack,
    "DeleteChangeSet": delete_change_set,
    "DeleteStack": delete_stack,
    "DescribeChangeSet": describe_change_set,
    "DescribeStackEvents": describe_stack_events,
    "DescribeStackResource": describe_stack_resource,
    "DescribeStackResources": describe_stack_resources,
    "DescribeStacks": describe_stacks,
    "ExecuteChangeSet": execute_change_set,
    "GetTemplate": get_template,
    "GetTemplateSummary": get_template_summary,
    "ListChangeSets": list_change_sets,
    "ListExports": list_exports,
    "ListImports": list_imports,
    "ListStackResources": list_stack_resources,
    "ListStacks": list_stacks,
    "UpdateStack": update_stack,
    "UpdateTerminationProtection": update_termination_protection,
    "ValidateTemplate": validate_template,
}
