"""UpdateTerminationProtection: DeleteStack is refused while it is on."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import lookup
from headwater.cloudformation.context import RequestContext


def update_termination_protection(ctx: RequestContext, request: dict[str, Any]
                                  ) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    stack.termination_protection = bool(request["EnableTerminationProtection"])
    ctx.runtime.stacks.save(stack)
    return {"StackId": stack.stack_id}
