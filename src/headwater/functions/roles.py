"""A function's execution role, as Lambda checks it under --enforce-iam (issue 13 §4;
aws-facts §7): the role must exist and trust lambda.amazonaws.com ("The role defined for the
function cannot be assumed by Lambda.", InvalidParameterValueException, 400), and it must be
allowed to write to the destinations the function sends to (a DeadLetterConfig target, an
event invoke config's OnSuccess/OnFailure): "The provided execution role does not have
permissions to call SendMessage on SQS" (Publish on SNS, InvokeFunction on Lambda by the same
pattern). Without --enforce-iam nothing is checked."""

from __future__ import annotations

from headwater.functions.context import RequestContext
from headwater.functions.errors import InvalidParameterValueException

CANNOT_ASSUME = "The role defined for the function cannot be assumed by Lambda."
DESTINATION_ACTIONS = {"sqs": ("sqs:SendMessage", "SendMessage on SQS"),
                       "sns": ("sns:Publish", "Publish on SNS"),
                       "lambda": ("lambda:InvokeFunction", "InvokeFunction on Lambda")}


def check_assumable(ctx: RequestContext, role: str) -> None:
    authority = ctx.runtime.authority
    if authority.enforcing and not authority.lambda_can_assume(ctx.account, role):
        raise InvalidParameterValueException(CANNOT_ASSUME)


def check_destination(ctx: RequestContext, role: str, destination: str | None) -> None:
    authority = ctx.runtime.authority
    if not authority.enforcing or not destination or destination.count(":") < 5:
        return
    found = DESTINATION_ACTIONS.get(destination.split(":")[2])
    if found is not None and not authority.role_allows(ctx.account, role, found[0],
                                                       destination):
        raise InvalidParameterValueException(
            f"The provided execution role does not have permissions to call {found[1]}")
