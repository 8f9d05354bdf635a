"""Every request by an IAM user or role session is authorised by its policies (issue 13 §3,
§4 "Must show"), answered per protocol with IAM's message (aws-facts §7): DynamoDB
AccessDeniedException (400), Lambda AccessDeniedException (403), SQS AccessDenied (403), SNS
AuthorizationError (403). The account's root (any key IAM did not issue) may do everything."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from enforcement_support import ACCOUNT, allow, deny, item, name, policy, table_arn
from server_support import Server, client, expect_error


def _denied(principal: str, action: str, resource: str) -> str:
    return (f"User: {principal} is not authorized to perform: {action} on resource: "
            f"{resource} because no identity-based policy allows the {action} action")


def test_the_root_may_do_everything(root: Callable[..., Any],
                                    make_table: Callable[..., str]) -> None:
    table = make_table()
    root("dynamodb").put_item(TableName=table, Item=item())
    assert root("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_a_user_without_policies_is_denied(make_user: Callable[..., Any],
                                           make_table: Callable[..., str]) -> None:
    table = make_table()
    user = make_user()
    expect_error(user("dynamodb").put_item, "AccessDeniedException",
                 _denied(user.arn, "dynamodb:PutItem", table_arn(table)),
                 TableName=table, Item=item())
    # GetCallerIdentity needs no permission.
    assert user("sts").get_caller_identity()["Arn"] == user.arn


def test_a_user_policy_allows_and_a_deny_wins(root: Callable[..., Any],
                                              make_user: Callable[..., Any],
                                              make_table: Callable[..., str]) -> None:
    table = make_table()
    user = make_user(allow(["dynamodb:PutItem", "dynamodb:GetItem"], table_arn(table)))
    ddb = user("dynamodb")
    ddb.put_item(TableName=table, Item=item())
    assert ddb.get_item(TableName=table, Key=item())["Item"] == item()
    expect_error(ddb.delete_item, "AccessDeniedException",
                 _denied(user.arn, "dynamodb:DeleteItem", table_arn(table)),
                 TableName=table, Key=item())
    root("iam").put_user_policy(UserName=user.user_name, PolicyName="deny",
                                PolicyDocument=policy(deny("dynamodb:GetItem")))
    expect_error(ddb.get_item, "AccessDeniedException",
                 f"User: {user.arn} is not authorized to perform: dynamodb:GetItem on "
                 f"resource: {table_arn(table)} with an explicit deny in an identity-based "
                 "policy", TableName=table, Key=item())


def test_leading_keys_condition(make_user: Callable[..., Any],
                                make_table: Callable[..., str]) -> None:
    table = make_table()
    user = make_user({"Effect": "Allow", "Action": "dynamodb:PutItem",
                      "Resource": table_arn(table), "Condition": {
                          "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["mine"]}}})
    ddb = user("dynamodb")
    ddb.put_item(TableName=table, Item=item("mine"))
    expect_error(ddb.put_item, "AccessDeniedException", TableName=table, Item=item("theirs"))


def test_each_protocol_answers_with_its_own_error(root: Callable[..., Any],
                                                  make_user: Callable[..., Any]) -> None:
    queue = root("sqs").create_queue(QueueName=name("q"))["QueueUrl"]
    topic = root("sns").create_topic(Name=name("t"))["TopicArn"]
    user = make_user()
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue.rsplit('/', 1)[1]}"
    expect_error(user("sqs").send_message, "AccessDenied",
                 _denied(user.arn, "sqs:SendMessage", queue_arn), status=403,
                 QueueUrl=queue, MessageBody="x")
    expect_error(user("sns").publish, "AuthorizationError",
                 _denied(user.arn, "sns:Publish", topic), status=403,
                 TopicArn=topic, Message="x")
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nosuch"
    expect_error(user("lambda").invoke, "AccessDeniedException",
                 _denied(user.arn, "lambda:InvokeFunction", function), status=403,
                 FunctionName="nosuch")
    expect_error(user("iam").list_roles, "AccessDenied",
                 _denied(user.arn, "iam:ListRoles", "*"), status=403)
    expect_error(user("cloudwatch").list_metrics, "AccessDenied",
                 _denied(user.arn, "cloudwatch:ListMetrics", "*"), status=403)
    expect_error(user("logs").describe_log_groups, "AccessDeniedException",
                 _denied(user.arn, "logs:DescribeLogGroups", "*"))


def test_a_role_session_is_named_in_denials(root: Callable[..., Any],
                                            make_user: Callable[..., Any],
                                            make_role: Callable[..., str],
                                            make_table: Callable[..., str],
                                            enforced: Server) -> None:
    table = make_table()
    user = make_user(allow("sts:AssumeRole"))
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}]})
    role = make_role(allow("dynamodb:GetItem", table_arn(table)), trust=trust)
    credentials = user("sts").assume_role(RoleArn=role, RoleSessionName="worker",
                                          DurationSeconds=900)["Credentials"]
    session = client("dynamodb", enforced.url,
                     aws_access_key_id=credentials["AccessKeyId"],
                     aws_secret_access_key=credentials["SecretAccessKey"],
                     aws_session_token=credentials["SessionToken"])
    session.get_item(TableName=table, Key=item())
    role_name = role.rsplit("/", 1)[1]
    principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/worker"
    expect_error(session.put_item, "AccessDeniedException",
                 _denied(principal, "dynamodb:PutItem", table_arn(table)),
                 TableName=table, Item=item())
    # Without its session token, or with another secret, the key is refused.
    tokenless = client("dynamodb", enforced.url,
                       aws_access_key_id=credentials["AccessKeyId"],
                       aws_secret_access_key=credentials["SecretAccessKey"])
    expect_error(tokenless.get_item, "UnrecognizedClientException",
                 "The security token included in the request is invalid.",
                 TableName=table, Key=item())
    # Past its expiry (the project clock), it is refused as expired.
    enforced.advance(901)
    expect_error(session.get_item, "ExpiredTokenException",
                 "The security token included in the request is expired",
                 TableName=table, Key=item())


def test_a_trust_policy_naming_the_user_is_enough_to_assume_a_role(
        make_user: Callable[..., Any], make_role: Callable[..., str]) -> None:
    """In one account a role's trust policy is its resource policy: naming the user allows
    AssumeRole without an identity policy; a role that does not name it refuses."""
    user = make_user()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}]})
    role = make_role(trust=trust)
    user("sts").assume_role(RoleArn=role, RoleSessionName="session")
    other = make_role()
    expect_error(user("sts").assume_role, "AccessDenied",
                 _denied(user.arn, "sts:AssumeRole", other), status=403, RoleArn=other,
                 RoleSessionName="session")


def test_external_id_is_the_trust_policys_sts_external_id_key(
        make_user: Callable[..., Any], make_role: Callable[..., str]) -> None:
    user = make_user()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "partner-1"}}}]})
    role = make_role(trust=trust)
    user("sts").assume_role(RoleArn=role, RoleSessionName="session", ExternalId="partner-1")
    for wrong in ({"ExternalId": "partner-2"}, {}):
        expect_error(user("sts").assume_role, "AccessDenied", status=403, RoleArn=role,
                     RoleSessionName="session", **wrong)


def test_a_users_key_is_verified(enforced: Server, make_user: Callable[..., Any],
                                 root: Callable[..., Any]) -> None:
    user = make_user(allow("dynamodb:ListTables"))
    key = root("iam").list_access_keys(UserName=user.user_name)["AccessKeyMetadata"][0]
    forged = client("dynamodb", enforced.url, aws_access_key_id=key["AccessKeyId"],
                    aws_secret_access_key="not-the-secret")
    expect_error(forged.list_tables, "InvalidSignatureException")
    user("dynamodb").list_tables()
