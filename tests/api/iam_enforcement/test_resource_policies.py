"""Resource-based policies evaluated with identity policies (issue 13 §5): another account's
caller needs the resource's policy to allow it (and, for a user, its own policy too); in the
same account either policy may allow; a Deny in the resource policy wins; a function's
AddPermission opens Invoke to another account."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from enforcement_support import ACCOUNT, OTHER, allow, item, table_arn, zip_source
from server_support import expect_error


def _resource_policy(principal: str, action: str | list[str], resource: str,
                     effect: str = "Allow") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Principal": {"AWS": principal}, "Action": action,
         "Resource": resource}]})


def test_another_account_needs_the_tables_policy(root: Callable[..., Any],
                                                 other_root: Callable[..., Any],
                                                 make_table: Callable[..., str]) -> None:
    table = make_table()
    arn = table_arn(table)
    root("dynamodb").put_item(TableName=table, Item=item())
    outsider = other_root("dynamodb")
    expect_error(outsider.get_item, "AccessDeniedException",
                 f"User: arn:aws:iam::{OTHER}:root is not authorized to perform: "
                 f"dynamodb:GetItem on resource: {arn} because no resource-based policy "
                 "allows the dynamodb:GetItem action", TableName=arn, Key=item())
    root("dynamodb").put_resource_policy(
        ResourceArn=arn, Policy=_resource_policy(OTHER, "dynamodb:GetItem", arn))
    assert outsider.get_item(TableName=arn, Key=item())["Item"] == item()
    # Only what the policy grants.
    expect_error(outsider.put_item, "AccessDeniedException", TableName=arn, Item=item("b"))


def test_a_cross_account_user_needs_both_policies(root: Callable[..., Any],
                                                  other_root: Callable[..., Any],
                                                  enforced: Any,
                                                  make_table: Callable[..., str]) -> None:
    from server_support import client

    table = make_table()
    arn = table_arn(table)
    other_iam = other_root("iam")
    other_iam.create_user(UserName="reader")
    key = other_iam.create_access_key(UserName="reader")["AccessKey"]
    reader = client("dynamodb", enforced.url, aws_access_key_id=key["AccessKeyId"],
                    aws_secret_access_key=key["SecretAccessKey"])
    user_arn = f"arn:aws:iam::{OTHER}:user/reader"
    root("dynamodb").put_resource_policy(
        ResourceArn=arn, Policy=_resource_policy(user_arn, "dynamodb:GetItem", arn))
    expect_error(reader.get_item, "AccessDeniedException",
                 f"User: {user_arn} is not authorized to perform: dynamodb:GetItem on "
                 f"resource: {arn} because no identity-based policy allows the "
                 "dynamodb:GetItem action", TableName=arn, Key=item())
    other_iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [allow("dynamodb:GetItem", arn)]}))
    reader.get_item(TableName=arn, Key=item())


def test_same_account_resource_policy_alone_allows(root: Callable[..., Any],
                                                   make_user: Callable[..., Any],
                                                   make_table: Callable[..., str]) -> None:
    table = make_table()
    arn = table_arn(table)
    user = make_user()
    expect_error(user("dynamodb").put_item, "AccessDeniedException", TableName=table,
                 Item=item())
    root("dynamodb").put_resource_policy(
        ResourceArn=arn, Policy=_resource_policy(user.arn, "dynamodb:PutItem", arn))
    user("dynamodb").put_item(TableName=table, Item=item())


def test_a_resource_policy_deny_wins(root: Callable[..., Any], make_user: Callable[..., Any],
                                     make_table: Callable[..., str]) -> None:
    table = make_table()
    arn = table_arn(table)
    user = make_user(allow("dynamodb:*"))
    root("dynamodb").put_resource_policy(
        ResourceArn=arn, Policy=_resource_policy(user.arn, "dynamodb:PutItem", arn, "Deny"))
    expect_error(user("dynamodb").put_item, "AccessDeniedException",
                 f"User: {user.arn} is not authorized to perform: dynamodb:PutItem on "
                 f"resource: {arn} with an explicit deny in a resource-based policy",
                 TableName=table, Item=item())


def test_add_permission_opens_invoke_to_another_account(root: Callable[..., Any],
                                                       other_root: Callable[..., Any],
                                                       make_role: Callable[..., str]) -> None:
    lam = root("lambda")
    role = make_role()
    lam.create_function(FunctionName="shared", Runtime="python3.12", Role=role,
                        Handler="handler.handler", Code={"ZipFile": zip_source(
                            "def handler(event, context):\n    return 'hi'\n")})
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:shared"
    outsider = other_root("lambda")
    expect_error(outsider.invoke, "AccessDeniedException",
                 f"User: arn:aws:iam::{OTHER}:root is not authorized to perform: "
                 f"lambda:InvokeFunction on resource: {arn} because no resource-based policy "
                 "allows the lambda:InvokeFunction action", status=403, FunctionName=arn)
    lam.add_permission(FunctionName="shared", StatementId="other",
                       Action="lambda:InvokeFunction", Principal=OTHER)
    answer = outsider.invoke(FunctionName=arn)
    assert answer["Payload"].read() == b'"hi"'
    lam.remove_permission(FunctionName="shared", StatementId="other")
    expect_error(outsider.invoke, "AccessDeniedException", status=403, FunctionName=arn)
