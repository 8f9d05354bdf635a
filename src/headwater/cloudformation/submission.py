"""What CreateStack, UpdateStack and CreateChangeSet share: the template body (TemplateBody, or
TemplateURL read from Headwater's own S3 as the caller), the parameter list as a dict, the
stack's pseudo parameters, the capabilities a template needs ("Requires capabilities :
[CAPABILITY_IAM]"), and the stack name's pattern."""

from __future__ import annotations

import re
from typing import Any

from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import InsufficientCapabilitiesException, ValidationError
from headwater.cloudformation.template import sam
from headwater.s3.addressing import object_url
from headwater.wire.errors import AwsError

STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
IAM_TYPES = {"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
             "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
             "AWS::IAM::Policy": None, "AWS::IAM::AccessKey": None,
             "AWS::IAM::InstanceProfile": "InstanceProfileName",
             "AWS::IAM::UserToGroupAddition": None}


def check_stack_name(name: str) -> None:
    if len(name) > 128 or STACK_NAME.fullmatch(name) is None:
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*")


S3_ERRORS = "http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"


def template_body(ctx: RequestContext, request: dict[str, Any],
                  previous: str | None = None) -> str:
    if request.get("UsePreviousTemplate"):
        if previous is None:
            raise ValidationError("UsePreviousTemplate can only be used with an existing stack")
        return previous
    body, url = request.get("TemplateBody"), request.get("TemplateURL")
    if url and not body:
        return template_at(ctx, str(url))
    if not body:
        raise ValidationError("Either Template URL or Template Body must be specified.")
    return str(body)


def template_at(ctx: RequestContext, url: str) -> str:
    """A TemplateURL's object, read from Headwater's S3 as the caller: path style
    (`https://s3.amazonaws.com/BUCKET/KEY`, `http://127.0.0.1:PORT/BUCKET/KEY`) or virtual
    hosted (`https://BUCKET.s3.REGION.amazonaws.com/KEY`), whatever the host. S3's refusal is
    CloudFormation's ValidationError "S3 error: ..." as AWS words it."""
    located = object_url(url)
    if located is None:
        raise ValidationError("TemplateURL must be a supported URL.")
    try:
        data = ctx.runtime.buckets.read(ctx.account, *located)
    except AwsError as error:
        raise ValidationError(f"S3 error: {error.message}\nFor more information check "
                              f"{S3_ERRORS}") from None
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise ValidationError("Template format error: unsupported structure.") from None


def given_parameters(request: dict[str, Any], previous: dict[str, str] | None
                     ) -> dict[str, str]:
    out = {}
    for item in request.get("Parameters") or []:
        key = item.get("ParameterKey")
        if not key:
            continue
        if item.get("UsePreviousValue"):
            if previous is None or key not in previous:
                raise ValidationError(f"Invalid input for parameter key {key}. Cannot specify "
                                      "usePreviousValue as true for a parameter key not in "
                                      "the previous template")
            out[key] = previous[key]
        else:
            out[key] = str(item.get("ParameterValue", ""))
    return out


def check_capabilities(original: dict[str, Any], processed: dict[str, Any],
                       granted: list[str], change_set: bool) -> None:
    needed = []
    if sam.transforms(original) and not change_set and "CAPABILITY_AUTO_EXPAND" not in granted:
        needed.append("CAPABILITY_AUTO_EXPAND")
    named = iam = False
    for resource in (processed.get("Resources") or {}).values():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind in IAM_TYPES:
            iam = True
            name = IAM_TYPES[kind]
            if name and name in (resource.get("Properties") or {}):
                named = True
    if named and "CAPABILITY_NAMED_IAM" not in granted:
        needed.append("CAPABILITY_NAMED_IAM")
    elif iam and not ({"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"} & set(granted)):
        needed.append("CAPABILITY_IAM")
    if needed:
        raise InsufficientCapabilitiesException(f"Requires capabilities : [{needed[0]}]")
