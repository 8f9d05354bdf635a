"""The buckets of every account (S3's one namespace): looking a bucket up for a caller, and the
two uses other services make of S3 through the composition root: Lambda reading a function's
code from an object (Code.S3Bucket/S3Key), and an event source mapping writing an OnFailure
record as an object. A bucket of another account is refused as S3 refuses it (AccessDenied):
Headwater has no bucket policies."""

from __future__ import annotations

from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.s3 import blobs, etags, store
from headwater.s3.errors import (
    NoSuchVersion,
    PermanentRedirect,
    access_denied,
    no_such_bucket,
    no_such_key,
)
from headwater.s3.store import Bucket, StoredObject


class Buckets:
    def __init__(self, storage: Storage, clock: Clock, separate: bool = False) -> None:
        self.storage = storage
        self.clock = clock
        # Accounts kept apart (--credentials or --enforce-iam): without it, as for the other
        # services' resources, any account's bucket is reachable (core/tenancy.py).
        self.separate = separate

    def owned(self, account: str, name: str) -> Bucket:
        """The caller's bucket `name`: NoSuchBucket when there is none, AccessDenied when
        another account owns it."""
        found = store.bucket(self.storage.conn, name)
        if found is None:
            raise no_such_bucket(name)
        if self.separate and found.account != account:
            raise access_denied()
        return found

    def stored(self, account: str, bucket: str, key: str) -> tuple[Bucket, StoredObject]:
        owner = self.owned(account, bucket)
        found = store.get_object(self.storage.conn, owner.id, key)
        if found is None:
            raise no_such_key(key)
        return owner, found

    def read(self, account: str, bucket: str, key: str) -> bytes:
        """An object's bytes (NoSuchBucket, NoSuchKey, AccessDenied as S3 answers them)."""
        _, found = self.stored(account, bucket, key)
        return blobs.read(self.storage.conn, found.segments)

    def fetch(self, account: str, region: str, bucket: str, key: str,
              version: str | None = None) -> bytes:
        """An object as Lambda reads a function's code (Code.S3Bucket, S3Key, S3ObjectVersion):
        from a bucket of the caller's region (PermanentRedirect otherwise); buckets here keep
        no versions, so the only version is "null" (what S3 calls an unversioned object's)."""
        owner = self.owned(account, bucket)
        if owner.region != region:
            raise PermanentRedirect(f"The bucket is in this region: {owner.region}. Please use "
                                    "this region to retry the request")
        if version is not None and version != "null":
            raise NoSuchVersion("The specified version does not exist.", Key=key,
                                VersionId=version)
        return self.read(account, bucket, key)

    def write(self, account: str, bucket: str, key: str, data: bytes,
              content_type: str = "application/octet-stream") -> str:
        """Store an object inside the caller's transaction (or one of its own); its ETag."""
        owner = self.owned(account, bucket)
        with self.storage.transaction() as conn:
            blob = blobs.write(conn, data)
            etag = etags.single(data)
            store.put_object(conn, owner.id, StoredObject(
                key, len(data), etag, self.clock.now(), [(blob, len(data))],
                headers={"ContentType": content_type}))
        return etag
