"""What a Lambda request names in another account, refused (core/tenancy.py):

- a function (FunctionName, or the Resource of the tag operations): AccessDeniedException,
  HTTP 403, "User: arn:aws:iam::CALLER:root is not authorized to perform:
  lambda:InvokeFunction on resource: FUNCTION_ARN because no resource-based policy allows the
  lambda:InvokeFunction action" (IAM's action names: Invoke is lambda:InvokeFunction);
- a destination the function's execution role would write to (DestinationConfig of event
  invoke configs and event source mappings, DeadLetterConfig): AWS checks the role, not the
  caller, and answers InvalidParameterValueException "The provided execution role does not
  have permissions to call SendMessage on SQS" (the DeadLetterConfig error CloudFormation
  users meet; Publish on SNS and InvokeFunction on Lambda by the same pattern);
- an event source mapping's stream: "Cannot access stream STREAM_ARN. Please ensure the role
  can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on
  your stream in IAM." (aws-facts §7).

The event source mapping operations share the Lambda service, so this covers them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.core import tenancy
from headwater.functions.errors import AccessDeniedException, InvalidParameterValueException
from headwater.functions.names import function_arn, parse

if TYPE_CHECKING:
    from headwater.functions.context import RequestContext

# Operations whose IAM action has another name.
ACTIONS = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction"}
FUNCTION_MEMBERS = ("FunctionName", "Resource")
DESTINATION_CALLS = {"sqs": "SendMessage on SQS", "sns": "Publish on SNS",
                     "lambda": "InvokeFunction on Lambda"}
NO_STREAM = ("Cannot access stream {}. Please ensure the role can perform the GetRecords, "
             "GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.")


def authorize(ctx: RequestContext, operation: str, request: dict[str, Any]) -> None:
    """Refuse a request naming another account's function, destination or stream."""
    if not tenancy.enforced(ctx):
        return
    for member in FUNCTION_MEMBERS:
        name = request.get(member)
        if isinstance(name, str):
            _check_function(ctx, operation, name, request.get("Qualifier"))
    for arn in _destinations(request):
        if _foreign(ctx, arn):
            service = arn.split(":")[2]
            raise InvalidParameterValueException(
                "The provided execution role does not have permissions to call "
                f"{DESTINATION_CALLS.get(service, 'SendMessage on SQS')}")
    source = request.get("EventSourceArn")
    if isinstance(source, str) and _foreign(ctx, source):
        raise InvalidParameterValueException(NO_STREAM.format(source))


def _check_function(ctx: RequestContext, operation: str, name: str,
                    qualifier: Any) -> None:
    if name.startswith("arn:") and ":function:" not in name:
        return  # another kind of resource (an event source mapping's ARN)
    try:
        ref = parse(ctx.account, ctx.region, name,
                    qualifier if isinstance(qualifier, str) else None)
    except InvalidParameterValueException:
        return  # the operation answers a bad name
    if ref.account != ctx.account:
        action = f"lambda:{ACTIONS.get(operation, operation)}"
        resource = function_arn(ref.region, ref.account, ref.name, ref.qualifier)
        if not ctx.runtime.authority.resource_allows(ctx.caller, action, resource):
            raise AccessDeniedException(tenancy.not_authorized(ctx.account, action, resource))


def _destinations(request: dict[str, Any]) -> list[str]:
    found = []
    for kind in ("OnSuccess", "OnFailure"):
        target = ((request.get("DestinationConfig") or {}).get(kind) or {}).get("Destination")
        if isinstance(target, str):
            found.append(target)
    dead = (request.get("DeadLetterConfig") or {}).get("TargetArn")
    if isinstance(dead, str):
        found.append(dead)
    return found


def _foreign(ctx: RequestContext, arn: str) -> bool:
    owner = tenancy.arn_account(arn)
    return owner is not None and owner != ctx.account
