"""Which S3 operation a request is: by method, by whether it names a bucket and a key, and by
its query subresource (`?uploads`, `?uploadId=`, `?list-type=2`, `?delete`, `?location`), as
the S3 API reference's request syntax gives each. A subresource Headwater does not serve is
S3's NotImplemented (501), never a different operation."""

from __future__ import annotations

from collections.abc import Mapping

from headwater.s3.errors import MethodNotAllowed, NotImplementedError_

# Bucket and object subresources of S3's API that Headwater does not serve.
UNSERVED = frozenset({
    "accelerate", "acl", "analytics", "attributes", "cors", "encryption",
    "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "logging", "metadataTable",
    "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
    "publicAccessBlock", "replication", "requestPayment", "restore", "retention", "select",
    "session", "tagging", "torrent", "versions", "website", "renameObject",
})


def route(method: str, bucket: str, key: str, query: Mapping[str, str],
          headers: Mapping[str, str]) -> str:
    unserved = UNSERVED & query.keys()
    if unserved:
        raise NotImplementedError_("A header or query you provided implies functionality that "
                                   "is not implemented", Subresource=min(unserved))
    if not bucket:
        if method in ("GET", "HEAD"):
            return "ListBuckets"
        raise _not_allowed(method, "SERVICE")
    if not key:
        return _bucket_operation(method, query)
    return _object_operation(method, query, headers)


def _bucket_operation(method: str, query: Mapping[str, str]) -> str:
    if method == "GET":
        if "location" in query:
            return "GetBucketLocation"
        if "versioning" in query:
            return "GetBucketVersioning"
        if "uploads" in query:
            return "ListMultipartUploads"
        return "ListObjectsV2" if query.get("list-type") == "2" else "ListObjects"
    operation = {"PUT": "CreateBucket", "HEAD": "HeadBucket", "DELETE": "DeleteBucket"}.get(
        method)
    if method == "POST" and "delete" in query:
        return "DeleteObjects"
    if operation is None or (method == "PUT" and "versioning" in query):
        raise _not_allowed(method, "BUCKET")
    return operation


def _object_operation(method: str, query: Mapping[str, str], headers: Mapping[str, str]
                      ) -> str:
    multipart = "uploadId" in query
    if method == "PUT":
        if multipart or "partNumber" in query:
            if "x-amz-copy-source" in headers:
                raise NotImplementedError_("A header you provided implies functionality that "
                                           "is not implemented", Header="x-amz-copy-source")
            return "UploadPart"
        return "CopyObject" if "x-amz-copy-source" in headers else "PutObject"
    if method == "GET":
        return "ListParts" if multipart else "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "DELETE":
        return "AbortMultipartUpload" if multipart else "DeleteObject"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if multipart:
            return "CompleteMultipartUpload"
    raise _not_allowed(method, "OBJECT")


def _not_allowed(method: str, resource: str) -> MethodNotAllowed:
    return MethodNotAllowed("The specified method is not allowed against this resource.",
                            Method=method, ResourceType=resource)
