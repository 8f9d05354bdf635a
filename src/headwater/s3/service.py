"""S3's operations by name (rest-xml; routes.py picks the name from the request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.s3.context import RequestContext
from headwater.s3.operations.bucket_queries import (
    get_bucket_location,
    head_bucket,
    list_buckets,
)
from headwater.s3.operations.complete_multipart_upload import complete_multipart_upload
from headwater.s3.operations.copy_object import copy_object
from headwater.s3.operations.create_bucket import create_bucket
from headwater.s3.operations.delete_bucket import delete_bucket
from headwater.s3.operations.delete_objects import delete_object, delete_objects
from headwater.s3.operations.get_bucket_versioning import get_bucket_versioning
from headwater.s3.operations.get_object import get_object, head_object
from headwater.s3.operations.list_objects import list_objects, list_objects_v2
from headwater.s3.operations.multipart_listings import list_multipart_uploads, list_parts
from headwater.s3.operations.multipart_uploads import (
    abort_multipart_upload,
    create_multipart_upload,
    upload_part,
)
from headwater.s3.operations.put_object import put_object

Operation = Callable[[RequestContext, dict[str, Any]], dict[str, Any]]

OPERATIONS: dict[str, Operation] = {
    "AbortMultipartUpload": abort_multipart_upload,
    "CompleteMultipartUpload": complete_multipart_upload,
    "CopyObject": copy_object,
    "CreateBucket": create_bucket,
    "CreateMultipartUpload": create_multipart_upload,
    "DeleteBucket": delete_bucket,
    "DeleteObject": delete_object,
    "DeleteObjects": delete_objects,
    "GetBucketLocation": get_bucket_location,
    "GetBucketVersioning": get_bucket_versioning,
    "GetObject": get_object,
    "HeadBucket": head_bucket,
    "HeadObject": head_object,
    "ListBuckets": list_buckets,
    "ListMultipartUploads": list_multipart_uploads,
    "ListObjects": list_objects,
    "ListObjectsV2": list_objects_v2,
    "ListParts": list_parts,
    "PutObject": put_object,
    "UploadPart": upload_part,
}
# The root element of each operation's XML answer (the model names only its members).
ROOTS = {
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketVersioning": "VersioningConfiguration",
    "ListBuckets": "ListAllMyBucketsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListParts": "ListPartsResult",
}
