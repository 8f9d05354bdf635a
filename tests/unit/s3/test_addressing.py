"""Which bucket and key a request or an object URL names (s3/addressing.py)."""

from __future__ import annotations

import pytest

from headwater.s3.addressing import is_s3_request, locate, object_url, virtual_bucket


@pytest.mark.parametrize(("host", "bucket"), [
    ("127.0.0.1:4566", None), ("localhost:4566", None), ("s3.localhost", None),
    ("my-bucket.s3.localhost:4566", "my-bucket"), ("my.bucket.localhost", "my.bucket"),
    ("b1.s3.amazonaws.com", "b1"), ("b1.s3.eu-west-1.amazonaws.com", "b1"),
    ("b1.s3-eu-west-1.amazonaws.com", "b1"), ("s3.amazonaws.com", None),
])
def test_virtual_bucket(host: str, bucket: str | None) -> None:
    assert virtual_bucket(host) == bucket


def test_locate() -> None:
    assert locate("127.0.0.1:4566", "/b/k/with/slashes") == ("b", "k/with/slashes")
    assert locate("127.0.0.1:4566", "/b") == ("b", "")
    assert locate("127.0.0.1:4566", "/") == ("", "")
    assert locate("b.s3.localhost", "/k") == ("b", "k")
    assert locate("b.s3.localhost", "/") == ("b", "")


@pytest.mark.parametrize(("url", "found"), [
    ("https://s3.amazonaws.com/b/t/template.yaml", ("b", "t/template.yaml")),
    ("https://s3.us-west-2.amazonaws.com/b/k", ("b", "k")),
    ("https://b.s3.amazonaws.com/k%20x", ("b", "k x")),
    ("https://b.s3.eu-west-1.amazonaws.com/k", ("b", "k")),
    ("http://127.0.0.1:4566/b/dir/k", ("b", "dir/k")),
    ("http://b.localhost:4566/k", ("b", "k")),
    ("http://127.0.0.1:4566/b", None), ("file:///b/k", None), ("not a url", None),
])
def test_object_url(url: str, found: tuple[str, str] | None) -> None:
    assert object_url(url) == found


def test_is_s3_request() -> None:
    assert is_s3_request("s3", "127.0.0.1", "")
    assert not is_s3_request("lambda", "b.s3.localhost", "")
    assert is_s3_request("", "b.s3.localhost", "")
    assert is_s3_request("", "127.0.0.1", "X-Amz-Credential=K%2F20260101%2Fus-east-1%2Fs3%2F"
                                          "aws4_request")
    assert is_s3_request("", "127.0.0.1", "AWSAccessKeyId=K&Signature=x&Expires=1")
    assert is_s3_request("", "127.0.0.1", "", "AWS K:signature")
    assert not is_s3_request("", "127.0.0.1", "")
