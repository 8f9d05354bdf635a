"""S3 under --enforce-iam: IAM users' S3 requests are verified (payload hash, UNSIGNED-PAYLOAD,
a signed aws-chunked body's chunk signatures) and authorised by their policies (s3:GetObject,
s3:PutObject, ... on bucket and object ARNs); another account's bucket is AccessDenied, and
its name BucketAlreadyExists; an ESM's S3 OnFailure destination needs the role's
s3:PutObject."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import urllib3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from s3_support import error_of
from server_support import Server, client, serving

OTHER = "111111111111"
EMPTY = hashlib.sha256(b"").hexdigest()


@pytest.fixture(scope="module")
def enforced() -> Iterator[Server]:
    yield from serving("--in-memory", "--enforce-iam")


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _user(server: Server, *statements: dict[str, Any]) -> dict[str, str]:
    iam = client("iam", server.url)
    user = _name("user")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"]}


def test_users_are_authorised_by_their_policies(enforced: Server) -> None:
    root = client("s3", enforced.url)
    bucket = _name("iam")
    root.create_bucket(Bucket=bucket)
    root.put_object(Bucket=bucket, Key="readable/a", Body=b"a")
    keys = _user(enforced, {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                            "Resource": f"arn:aws:s3:::{bucket}/readable/*"})
    user = client("s3", enforced.url, **keys)
    assert user.get_object(Bucket=bucket, Key="readable/a")["Body"].read() == b"a"
    user.put_object(Bucket=bucket, Key="readable/b", Body=b"b")
    unsigned = boto3.client("s3", endpoint_url=enforced.url, region_name="us-east-1", **keys,
                            config=Config(s3={"payload_signing_enabled": False}))
    unsigned.put_object(Bucket=bucket, Key="readable/c", Body=b"c")
    error = error_of(user.put_object, Bucket=bucket, Key="other", Body=b"x")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Code"] == "AccessDenied"
    assert "is not authorized to perform: s3:PutObject on resource: " \
           f"arn:aws:s3:::{bucket}/other" in error["Error"]["Message"]
    assert error_of(user.list_objects_v2, Bucket=bucket)["Error"]["Code"] == "AccessDenied"
    wrong = client("s3", enforced.url, aws_access_key_id=keys["aws_access_key_id"],
                   aws_secret_access_key="not-the-secret")
    error = error_of(wrong.get_object, Bucket=bucket, Key="readable/a")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Code"] == "SignatureDoesNotMatch"


def test_another_accounts_bucket(enforced: Server) -> None:
    root = client("s3", enforced.url)
    other = client("s3", enforced.url, aws_access_key_id=OTHER)
    bucket = _name("mine")
    root.create_bucket(Bucket=bucket)
    root.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call, kwargs in [(other.get_object, {"Key": "k"}), (other.list_objects_v2, {}),
                         (other.put_object, {"Key": "k", "Body": b"y"})]:
        error = error_of(call, Bucket=bucket, **kwargs)
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert error["Error"] == {"Code": "AccessDenied", "Message": "Access Denied"}
    error = error_of(other.create_bucket, Bucket=bucket)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error["Error"]["Code"] == "BucketAlreadyExists"
    assert bucket not in [b["Name"] for b in other.list_buckets()["Buckets"]]


class _Streaming(S3SigV4Auth):
    def payload(self, request: Any) -> str:
        return "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def _signed_chunked(url: str, keys: dict[str, str], data: bytes, tamper: bool = False
                    ) -> tuple[dict[str, str], bytes]:
    """A PUT as the SDKs stream it: headers signed by botocore, chunk signatures chained from
    that signature as the S3 API reference states it."""
    request = AWSRequest("PUT", url, headers={
        "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))})
    auth = _Streaming(Credentials(keys["aws_access_key_id"], keys["aws_secret_access_key"]),
                      "s3", "us-east-1")
    auth.add_auth(request)
    headers = dict(request.headers.items())
    date = headers["X-Amz-Date"]
    previous = headers["Authorization"].rsplit("Signature=", 1)[1]
    key = f"AWS4{keys['aws_secret_access_key']}".encode()
    for part in (date[:8], "us-east-1", "s3", "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    body = b""
    for chunk in [data[i:i + 8192] for i in range(0, len(data), 8192)] + [b""]:
        to_sign = (f"AWS4-HMAC-SHA256-PAYLOAD\n{date}\n{date[:8]}/us-east-1/s3/aws4_request\n"
                   f"{previous}\n{EMPTY}\n{hashlib.sha256(chunk).hexdigest()}")
        previous = hmac.digest(key, to_sign.encode(), "sha256").hex()
        sent = chunk.replace(b"a", b"b", 1) if tamper and chunk else chunk
        body += b"%x;chunk-signature=%s\r\n%s\r\n" % (len(chunk), previous.encode(), sent)
    return headers, body


def test_signed_chunked_uploads_are_verified(enforced: Server) -> None:
    bucket = _name("chunks")
    client("s3", enforced.url).create_bucket(Bucket=bucket)
    keys = _user(enforced, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    data = b"a" * 20000
    url = f"{enforced.url}/{bucket}/streamed"
    headers, body = _signed_chunked(url, keys, data)
    answer = urllib3.PoolManager().request("PUT", url, body=body, headers=headers)
    assert answer.status == 200, answer.data
    got = client("s3", enforced.url, **keys).get_object(Bucket=bucket, Key="streamed")
    assert got["Body"].read() == data
    headers, body = _signed_chunked(url, keys, data, tamper=True)
    answer = urllib3.PoolManager().request("PUT", url, body=body, headers=headers)
    assert answer.status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer.data


def test_an_s3_failure_destination_needs_put_object(enforced: Server,
                                                    unique: Callable[[str], str]) -> None:
    iam, lam, ddb = (client(s, enforced.url) for s in ("iam", "lambda", "dynamodb"))
    bucket = unique("dest")
    client("s3", enforced.url).create_bucket(Bucket=bucket)
    role = _name("role")
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    streams = {"Effect": "Allow", "Action": ["dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                             "dynamodb:DescribeStream", "dynamodb:ListStreams"],
               "Resource": "*"}
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [streams]}))
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(e, c):\n    pass\n")
    function = _name("fn")
    lam.create_function(FunctionName=function, Runtime="python3.11", Role=arn,
                        Handler="app.handler", Code={"ZipFile": buffer.getvalue()})
    table = _name("t")
    stream = ddb.create_table(
        TableName=table, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    request = {"FunctionName": function, "EventSourceArn": stream, "StartingPosition": "LATEST",
               "DestinationConfig": {"OnFailure": {"Destination": f"arn:aws:s3:::{bucket}"}}}
    error = error_of(lam.create_event_source_mapping, **request)
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    assert error["Error"]["Message"] == ("The provided execution role does not have "
                                         "permissions to call PutObject on S3")
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [streams, {
            "Effect": "Allow", "Action": ["s3:PutObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    assert lam.create_event_source_mapping(**request)["DestinationConfig"] == {
        "OnFailure": {"Destination": f"arn:aws:s3:::{bucket}"}}
