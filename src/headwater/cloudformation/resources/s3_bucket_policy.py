"""AWS::S3::BucketPolicy: the bucket must exist (HeadBucket: a missing one fails the resource
with S3's NoSuchBucket); the policy is recorded with the stack and NOT enforced: Headwater's S3
has no bucket policies (a bucket is its account's, s3/buckets.py). Ref the bucket name."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome

UNAPPLIED = ("PolicyDocument",)


class S3BucketPolicy:
    # A policy moved to another bucket is a new policy (Bucket is create-only in the schema).
    replace_on: frozenset[str] = frozenset({"Bucket"})

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        bucket = str(properties["Bucket"])
        await api("s3", "HeadBucket", {"Bucket": bucket})
        return Outcome(bucket, {}, UNAPPLIED)

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        return Outcome(physical_id, attributes, UNAPPLIED)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        return None
