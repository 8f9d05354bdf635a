"""Fixtures for the S3 tests: an S3 client on the session server and uniquely named buckets,
emptied and deleted afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_support import client


@pytest.fixture(scope="session")
def s3(endpoint: str) -> Any:
    return client("s3", endpoint)


@pytest.fixture
def make_bucket(s3: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    created: list[tuple[Any, str]] = []

    def make(prefix: str = "bkt", *, on: Any = None) -> str:
        owner = on or s3
        name = unique(prefix)
        owner.create_bucket(Bucket=name)
        created.append((owner, name))
        return name

    yield make
    for owner, name in created:
        with suppress(ClientError):
            empty(owner, name)
            owner.delete_bucket(Bucket=name)


def empty(s3: Any, bucket: str) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
