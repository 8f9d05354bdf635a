"""Buckets: CreateBucket (names, LocationConstraint per region, a name taken), HeadBucket,
GetBucketLocation, ListBuckets, DeleteBucket (BucketNotEmpty)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from s3_support import error_of
from server_support import client


def test_create_head_locate_list_and_delete(s3: Any, unique: Callable[[str], str]) -> None:
    name = unique("bkt")
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == f"/{name}"
    assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPHeaders"][
        "x-amz-bucket-region"] == "us-east-1"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    listed = s3.list_buckets()
    assert name in [bucket["Name"] for bucket in listed["Buckets"]]
    assert len(listed["Owner"]["ID"]) == 64
    s3.delete_bucket(Bucket=name)
    error = error_of(s3.head_bucket, Bucket=name)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Code"] == "404"


def test_a_bucket_in_another_region(endpoint: str, unique: Callable[[str], str]) -> None:
    west = client("s3", endpoint, region_name="eu-west-1")
    name = unique("west")
    west.create_bucket(Bucket=name,
                       CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert west.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    error = error_of(west.create_bucket, Bucket=name,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    west.delete_bucket(Bucket=name)


def test_location_constraint_rules(endpoint: str, s3: Any, unique: Callable[[str], str]
                                   ) -> None:
    west = client("s3", endpoint, region_name="eu-west-1")
    error = error_of(west.create_bucket, Bucket=unique("b"))
    assert error["Error"]["Code"] == "IllegalLocationConstraintException"
    assert error["Error"]["Message"] == (
        "The unspecified location constraint is incompatible for the region specific endpoint "
        "this request was sent to.")
    error = error_of(west.create_bucket, Bucket=unique("b"),
                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert error["Error"]["Message"] == (
        "The eu-central-1 location constraint is incompatible for the region specific "
        "endpoint this request was sent to.")
    error = error_of(s3.create_bucket, Bucket=unique("b"),
                     CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error["Error"]["Code"] == "InvalidLocationConstraint"
    assert error["Error"]["Message"] == "The specified location-constraint is not valid"


def test_us_east_1_answers_its_own_bucket_again_with_200(s3: Any, make_bucket: Any) -> None:
    name = make_bucket()
    assert s3.create_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_invalid_bucket_names(s3: Any) -> None:
    for name in ("ab", "Upper-case", "a..b", "192.168.1.1", "-start", "xn--punycode",
                 "ends-s3alias"):
        error = error_of(s3.create_bucket, Bucket=name)
        assert error["Error"]["Code"] == "InvalidBucketName", name
        assert error["Error"]["Message"] == "The specified bucket is not valid."
        assert error["Error"]["BucketName"] == name


def test_delete_refuses_a_bucket_with_objects(s3: Any, make_bucket: Any) -> None:
    name = make_bucket()
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    error = error_of(s3.delete_bucket, Bucket=name)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error["Error"] == {"Code": "BucketNotEmpty", "BucketName": name,
                              "Message": "The bucket you tried to delete is not empty"}


def test_no_such_bucket(s3: Any, unique: Callable[[str], str]) -> None:
    name = unique("missing")
    error = error_of(s3.list_objects_v2, Bucket=name)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"] == {"Code": "NoSuchBucket", "BucketName": name,
                              "Message": "The specified bucket does not exist"}
    assert error_of(s3.delete_bucket, Bucket=name)["Error"]["Code"] == "NoSuchBucket"


def test_virtual_hosted_addressing(endpoint: str, s3: Any, make_bucket: Any) -> None:
    """boto3 with addressing_style virtual and a host name endpoint sends the bucket in the
    Host header (`BUCKET.localhost`); the request is sent to the server's address."""
    import urllib3
    name = make_bucket()
    s3.put_object(Bucket=name, Key="dir/file.txt", Body=b"virtual")
    http = urllib3.PoolManager()
    answer = http.request("GET", f"{endpoint}/dir/file.txt",
                          headers={"Host": f"{name}.s3.localhost"})
    assert answer.status == 200 and answer.data == b"virtual"
    answer = http.request("GET", f"{endpoint}/?list-type=2", headers={"Host": f"{name}.localhost"})
    assert answer.status == 200 and b"<Key>dir/file.txt</Key>" in answer.data
