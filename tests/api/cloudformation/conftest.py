"""CloudFormation fixtures: a client on the session server, and `stacks`, which creates
uniquely named stacks, waits for them to settle and deletes what is left afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from server_support import session_client
from stack_support import Stacks, settle

cfn = session_client("cfn", "cloudformation")


@pytest.fixture
def stacks(cfn: Any) -> Iterator[Stacks]:
    made = Stacks(cfn)
    yield made
    for stack_id in reversed(made.made):
        status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
        if status["StackStatus"] == "DELETE_COMPLETE":
            continue
        if status.get("EnableTerminationProtection"):
            cfn.update_termination_protection(StackName=stack_id,
                                              EnableTerminationProtection=False)
        settle(cfn, stack_id)
        cfn.delete_stack(StackName=stack_id)
        settle(cfn, stack_id)
