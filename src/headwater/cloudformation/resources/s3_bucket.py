"""AWS::S3::Bucket: CreateBucket in the stack's region; Ref the bucket name (BucketName, or a
generated lower-case `stack-logicalid-xxxxxxxxxxxxx` of at most 63 characters as CloudFormation
makes them); GetAtt Arn, DomainName, DualStackDomainName, RegionalDomainName and WebsiteURL in
the forms the AWS::S3::Bucket reference documents. Headwater's S3 keeps objects only: the
bucket's configuration properties (versioning, encryption, public access block, lifecycle,
notifications, tags, ...) are recorded with the stack, not applied. Deleting a bucket that
still holds objects fails as on AWS (BucketNotEmpty); DeletionPolicy Retain keeps it
(engine)."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing

# Regions whose website endpoints use a dash (`s3-website-REGION`), per the S3 website
# endpoints table; the others use a dot (`s3-website.REGION`).
DASH_WEBSITE_REGIONS = frozenset({
    "us-east-1", "us-west-1", "us-west-2", "ap-southeast-1", "ap-southeast-2",
    "ap-northeast-1", "eu-west-1", "sa-east-1", "us-gov-west-1"})


def attributes(name: str, region: str) -> dict[str, Any]:
    website = "-" if region in DASH_WEBSITE_REGIONS else "."
    return {"Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website{website}{region}.amazonaws.com"}


class S3Bucket:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        name = str(properties.get("BucketName") or api.name(63, lower=True))
        request: dict[str, Any] = {"Bucket": name}
        if api.region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": api.region}
        await api("s3", "CreateBucket", request)
        return Outcome(name, attributes(name, api.region), _configuration(properties))

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        # Only the recorded configuration changes (BucketName is create-only: a replacement).
        return Outcome(physical_id, attributes, _configuration(new))

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "s3", "DeleteBucket", {"Bucket": physical_id}, "NoSuchBucket")


def _configuration(properties: dict[str, Any]) -> tuple[str, ...]:
    """The bucket configuration the template sets: recorded, not applied (everything but the
    name)."""
    return tuple(sorted(key for key, value in properties.items()
                        if key != "BucketName" and value is not None))
