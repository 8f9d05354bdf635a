"""Function code from S3 (Code.S3Bucket / S3Key / S3ObjectVersion in CreateFunction and
UpdateFunctionCode): the object is read through the S3 service the composition root hands
Lambda (runtime.py), and an S3 refusal becomes Lambda's InvalidParameterValueException with
S3's code and message inside: "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3
Error Message: The specified key does not exist." (the wording AWS users report, e.g.
serverless/serverless#13208, aws-samples/aws-account-vending-machine#23)."""

from __future__ import annotations

from typing import Any, Protocol

from headwater.functions.errors import InvalidParameterValueException
from headwater.wire.errors import AwsError

NO_SOURCE = "Headwater supports code as ZipFile, or as S3Bucket and S3Key."


class CodeObjects(Protocol):
    """What Lambda reads of S3 (s3/buckets.py Buckets)."""

    def fetch(self, account: str, region: str, bucket: str, key: str,
              version: str | None = None) -> bytes: ...


def code_bytes(objects: CodeObjects, account: str, region: str, code: dict[str, Any]
               ) -> str | bytes:
    """The zip a Code (or UpdateFunctionCode request) gives: its ZipFile, or the S3 object
    it names."""
    if code.get("ZipFile"):
        return code["ZipFile"]  # type: ignore[no-any-return]
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if not bucket or not key:
        raise InvalidParameterValueException(NO_SOURCE)
    try:
        return objects.fetch(account, region, bucket, key, code.get("S3ObjectVersion"))
    except AwsError as error:
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {error.code}. S3 Error Message: "
            f"{error.message}") from None
