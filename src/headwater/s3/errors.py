"""S3's errors, by the names and messages of the S3 API reference ("List of error codes"); the
members each adds (BucketName, Key, UploadId, ...) are elements of the `<Error>` document
(wire/rest_xml.py)."""

from __future__ import annotations

from headwater.wire.aws_chunked import IncompleteBody, InvalidRequest, SignatureDoesNotMatch
from headwater.wire.errors import AwsError
from headwater.wire.rest_xml import InvalidArgument, MalformedXML

__all__ = ["IncompleteBody", "InvalidArgument", "InvalidRequest", "MalformedXML",
           "SignatureDoesNotMatch"]


class AccessDenied(AwsError):
    code = "AccessDenied"
    status = 403


class BadDigest(AwsError):
    code = "BadDigest"


class BucketAlreadyExists(AwsError):
    code = "BucketAlreadyExists"
    status = 409


class BucketAlreadyOwnedByYou(AwsError):
    code = "BucketAlreadyOwnedByYou"
    status = 409


class BucketNotEmpty(AwsError):
    code = "BucketNotEmpty"
    status = 409


class EntityTooLarge(AwsError):
    code = "EntityTooLarge"


class EntityTooSmall(AwsError):
    code = "EntityTooSmall"


class IllegalLocationConstraintException(AwsError):
    code = "IllegalLocationConstraintException"



class InvalidBucketName(AwsError):
    code = "InvalidBucketName"


class InvalidDigest(AwsError):
    code = "InvalidDigest"


class InvalidLocationConstraint(AwsError):
    code = "InvalidLocationConstraint"


class InvalidPart(AwsError):
    code = "InvalidPart"


class InvalidPartOrder(AwsError):
    code = "InvalidPartOrder"


class InvalidRange(AwsError):
    code = "InvalidRange"
    status = 416



class KeyTooLongError(AwsError):
    code = "KeyTooLongError"


class MethodNotAllowed(AwsError):
    code = "MethodNotAllowed"
    status = 405


class NoSuchBucket(AwsError):
    code = "NoSuchBucket"
    status = 404


class NoSuchKey(AwsError):
    code = "NoSuchKey"
    status = 404


class NoSuchUpload(AwsError):
    code = "NoSuchUpload"
    status = 404


class NotImplementedError_(AwsError):
    """S3's NotImplemented (501): a subresource or header Headwater's S3 does not provide."""

    code = "NotImplemented"
    status = 501
    sender_fault = False


class PreconditionFailed(AwsError):
    code = "PreconditionFailed"
    status = 412


class NotModified(AwsError):
    """304: not an error to a client, but answered without a body like one."""

    code = "NotModified"
    status = 304



class XAmzContentSHA256Mismatch(AwsError):
    code = "XAmzContentSHA256Mismatch"


def no_such_bucket(bucket: str) -> NoSuchBucket:
    return NoSuchBucket("The specified bucket does not exist", BucketName=bucket)


def no_such_key(key: str) -> NoSuchKey:
    return NoSuchKey("The specified key does not exist.", Key=key)


def no_such_upload(upload_id: str) -> NoSuchUpload:
    return NoSuchUpload("The specified upload does not exist. The upload ID may be invalid, or "
                        "the upload may have been aborted or completed.", UploadId=upload_id)


def access_denied() -> AccessDenied:
    return AccessDenied("Access Denied")


class PermanentRedirect(AwsError):
    code = "PermanentRedirect"
    status = 301


class NoSuchVersion(AwsError):
    code = "NoSuchVersion"
    status = 404
