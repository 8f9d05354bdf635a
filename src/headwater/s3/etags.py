"""Entity tags as S3 computes them: the MD5 hex of a single PUT's bytes; for a multipart
upload, the MD5 of the concatenated binary MD5s of its parts, then `-` and the part count.
Always sent quoted."""

from __future__ import annotations

import hashlib


def single(data: bytes | memoryview) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def multipart(part_etags: list[str]) -> str:
    digest = hashlib.md5(b"".join(bytes.fromhex(etag.strip('"')) for etag in part_etags))
    return f'"{digest.hexdigest()}-{len(part_etags)}"'


def normalise(etag: str) -> str:
    """An ETag as a client names it (quoted or not) in S3's quoted form."""
    return f'"{etag.strip().strip(chr(34))}"'
