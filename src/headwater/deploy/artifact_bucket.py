"""The S3 bucket `headwater deploy` keeps packaged code in: one per account and region,
`headwater-deploy-<account>-<region>`, created on first use (as `sam deploy --resolve-s3`
creates its managed bucket). Objects are keyed `<stack>/<sha256>.zip`; one already there is not
uploaded again."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class ArtifactBucket:
    def __init__(self, s3: Any, sts: Any, region: str, stack: str) -> None:
        self.s3 = s3
        self.region = region
        self.stack = stack
        account = sts.get_caller_identity()["Account"]
        self.name = f"headwater-deploy-{account}-{region}"
        self._ready = False

    def upload(self, data: bytes, digest: str) -> tuple[str, str]:
        self._ensure()
        key = f"{self.stack}/{digest}.zip"
        try:
            self.s3.head_object(Bucket=self.name, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
                raise
            self.s3.put_object(Bucket=self.name, Key=key, Body=data)
        return self.name, key

    def _ensure(self) -> None:
        if self._ready:
            return
        try:
            self.s3.head_bucket(Bucket=self.name)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
                raise
            where = ({} if self.region == "us-east-1"
                     else {"CreateBucketConfiguration": {"LocationConstraint": self.region}})
            self.s3.create_bucket(Bucket=self.name, **where)
        self._ready = True
