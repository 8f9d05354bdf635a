"""What a mapping's function role must be allowed, under --enforce-iam (issue 13 §4; aws-facts
§3.4, §5.5, §7): the four stream actions on the mapping's stream, checked on Create and on an
Update that enables the mapping or changes its function ("Cannot access stream ..."), and
sqs:SendMessage / sns:Publish (s3:PutObject and s3:ListBucket for a bucket) on its OnFailure
destination ("The provided execution role does
not have permissions to call SendMessage on SQS"). While a mapping runs, a role that lost the
stream actions makes each poll fail: LastProcessingResult says so (`NO_ACCESS`) and the
consumer waits and tries again, resuming from its checkpoint once the permission is back.

`NO_ACCESS` is Lambda's wording as users report it; AWS does not document its PROBLEM
strings beyond "PROBLEM: Function call failed" (aws-facts §3.3) [unk].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.core.authority import Authority
from headwater.triggers.errors import InvalidParameterValueException

STREAM_ACTIONS = ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                  "dynamodb:ListStreams")
NO_STREAM = ("Cannot access stream {}. Please ensure the role can perform the GetRecords, "
             "GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.")
NO_ACCESS = "PROBLEM: Lambda doesn't have permission to read from the stream"
DESTINATION_ACTIONS = {"sqs": ("sqs:SendMessage", "SendMessage on SQS"),
                       "sns": ("sns:Publish", "Publish on SNS")}


def can_read(authority: Authority, account: str, role: str | None, stream_arn: str) -> bool:
    if not authority.enforcing or role is None:
        return True
    return all(authority.role_allows(account, role, action, stream_arn)
               for action in STREAM_ACTIONS)


def check_role(authority: Authority, account: str, role_of: Callable[[], str | None],
               stream_arn: str, config: dict[str, Any]) -> None:
    """InvalidParameterValueException when the function's role (`role_of()`, looked up only
    under enforcement) may not read the stream or send to the mapping's OnFailure
    destination."""
    if not authority.enforcing:
        return
    role = role_of()
    if role is None:
        return
    if not can_read(authority, account, role, stream_arn):
        raise InvalidParameterValueException(NO_STREAM.format(stream_arn))
    target = (((config.get("DestinationConfig") or {}).get("OnFailure") or {})
              .get("Destination") or "")
    service = target.split(":")[2] if target.count(":") >= 5 else ""
    if service == "s3":
        # The record is written under aws/lambda/ (failures.py); Lambda needs s3:PutObject
        # there and s3:ListBucket on the bucket (with-ddb.html, "Amazon S3 destination").
        for action, resource in (("s3:PutObject", f"{target}/aws/lambda/*"),
                                 ("s3:ListBucket", target)):
            if not authority.role_allows(account, role, action, resource):
                raise InvalidParameterValueException(
                    "The provided execution role does not have permissions to call "
                    f"{action.partition(':')[2]} on S3")
    elif service in DESTINATION_ACTIONS:
        action, call = DESTINATION_ACTIONS[service]
        if not authority.role_allows(account, role, action, target):
            raise InvalidParameterValueException(
                f"The provided execution role does not have permissions to call {call}")
