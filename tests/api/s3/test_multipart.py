"""Multipart uploads: Create, UploadPart, ListParts, ListMultipartUploads, Complete (ETag of the
parts' MD5s, EntityTooSmall, InvalidPart, InvalidPartOrder) and Abort (NoSuchUpload)."""

from __future__ import annotations

import hashlib
from typing import Any

from s3_support import error_of

MIB = 1024 * 1024


def _upload(s3: Any, bucket: str, key: str, parts: list[bytes]) -> tuple[str, list[dict[str, Any]]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key,
                                           ContentType="text/csv")["UploadId"]
    done = [{"PartNumber": number, "ETag": s3.upload_part(
        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"]}
        for number, data in enumerate(parts, start=1)]
    return upload_id, done


def test_complete_gives_the_multipart_etag(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    parts = [b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail"]
    upload_id, done = _upload(s3, bucket, "big", parts)
    assert done[0]["ETag"] == f'"{hashlib.md5(parts[0]).hexdigest()}"'
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload_id)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [
        (1, 5 * MIB), (2, 5 * MIB), (3, 4)]
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big", upload_id)]
    completed = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id,
                                             MultipartUpload={"Parts": done})
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert completed["ETag"] == f'"{digest}-3"'
    assert (completed["Bucket"], completed["Key"]) == (bucket, "big")
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == f'"{digest}-3"' and got["ContentType"] == "text/csv"
    ranged = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={5 * MIB - 2}-{5 * MIB + 1}")
    assert ranged["Body"].read() == b"aabb"
    assert s3.head_object(Bucket=bucket, Key="big", PartNumber=1)["PartsCount"] == 3
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    error = error_of(s3.list_parts, Bucket=bucket, Key="big", UploadId=upload_id)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Code"] == "NoSuchUpload"


def test_small_parts_are_refused(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    upload_id, done = _upload(s3, bucket, "k", [b"small", b"last"])
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                     MultipartUpload={"Parts": done})
    assert error["Error"]["Code"] == "EntityTooSmall"
    assert error["Error"]["Message"] == ("Your proposed upload is smaller than the minimum "
                                         "allowed size")
    assert error["Error"]["MinSizeAllowed"] == str(5 * MIB)
    assert error["Error"]["PartNumber"] == "1"
    # One small part alone is a whole object.
    single = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                          MultipartUpload={"Parts": done[:1]})
    assert single["ETag"].endswith('-1"')
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"small"


def test_invalid_part_and_order(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    upload_id, done = _upload(s3, bucket, "k", [b"x" * (5 * MIB), b"y"])
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                     MultipartUpload={"Parts": [done[1], done[0]]})
    assert error["Error"]["Code"] == "InvalidPartOrder"
    wrong = [{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                     MultipartUpload={"Parts": wrong})
    assert error["Error"]["Code"] == "InvalidPart"
    assert error["Error"]["Message"].startswith("One or more of the specified parts could not "
                                                "be found.")
    missing = [{"PartNumber": 7, "ETag": done[0]["ETag"]}]
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                     MultipartUpload={"Parts": missing})
    assert error["Error"]["Code"] == "InvalidPart"
    error = error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload_id,
                     PartNumber=10001, Body=b"x")
    assert error["Error"]["Code"] == "InvalidArgument"
    assert error["Error"]["Message"] == ("Part number must be an integer between 1 and 10000, "
                                         "inclusive")


def test_abort(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    upload_id, _ = _upload(s3, bucket, "k", [b"x"])
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    error = error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload_id,
                     PartNumber=1, Body=b"x")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"] == {
        "Code": "NoSuchUpload", "UploadId": upload_id,
        "Message": "The specified upload does not exist. The upload ID may be invalid, or the "
                   "upload may have been aborted or completed."}
    assert error_of(s3.abort_multipart_upload, Bucket=bucket, Key="k",
                    UploadId="nope")["Error"]["Code"] == "NoSuchUpload"


def test_a_part_uploaded_again_replaces_the_first(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    upload_id, _ = _upload(s3, bucket, "k", [b"first"])
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                          Body=b"second")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"
