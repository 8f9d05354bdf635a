"""Bucket names, bucket ARNs and the regions a bucket may be created in ("General purpose
bucket naming rules", S3 user guide; CreateBucket's LocationConstraint, S3 API reference)."""

from __future__ import annotations

import re

from headwater.s3.errors import (
    IllegalLocationConstraintException,
    InvalidBucketName,
    InvalidLocationConstraint,
    KeyTooLongError,
)

_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP = re.compile(r"\d+\.\d+\.\d+\.\d+")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
US_EAST_1 = "us-east-1"
MAX_KEY_BYTES = 1024


def check_bucket_name(name: str) -> None:
    if (not _NAME.fullmatch(name) or ".." in name or _IP.fullmatch(name)
            or name.startswith(RESERVED_PREFIXES) or name.endswith(RESERVED_SUFFIXES)):
        raise InvalidBucketName("The specified bucket is not valid.", BucketName=name)


def check_key(key: str) -> None:
    size = len(key.encode())
    if size > MAX_KEY_BYTES:
        raise KeyTooLongError("Your key is too long", Size=size, MaxSizeAllowed=MAX_KEY_BYTES)


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def parse_bucket_arn(arn: str) -> str | None:
    """The bucket an S3 bucket ARN (`arn:aws:s3:::NAME`) names, or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "s3" or parts[3] or parts[4]:
        return None
    name = parts[5]
    return name if name and "/" not in name else None


def bucket_region(request_region: str, constraint: str | None) -> str:
    """The region a CreateBucket sent to `request_region` creates its bucket in: the
    LocationConstraint, which must name the endpoint's region outside us-east-1 (us-east-1,
    S3's global endpoint, takes any region but its own name); "EU" is eu-west-1."""
    if constraint == "EU":
        constraint = "eu-west-1"
    if constraint and (constraint == US_EAST_1 or not _REGION.fullmatch(constraint)):
        raise InvalidLocationConstraint("The specified location-constraint is not valid",
                                        LocationConstraint=constraint)
    if request_region == US_EAST_1:
        return constraint or US_EAST_1
    if not constraint:
        raise IllegalLocationConstraintException(
            "The unspecified location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")
    if constraint != request_region:
        raise IllegalLocationConstraintException(
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")
    return constraint
