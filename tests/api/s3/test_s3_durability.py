"""S3 in the data directory: buckets, objects (single and multipart) and unfinished uploads
survive a kill -9 and a restart (what was acknowledged is committed: object bytes are SQLite
rows written in the PUT's transaction); a body over S3's 5 GiB limit is refused from its head."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from server_support import Server, start_server

MIB = 1024 * 1024


def test_objects_survive_a_kill(servers: list[Server], tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    servers.append(first)
    s3 = first.client("s3")
    s3.create_bucket(Bucket="durable")
    s3.put_object(Bucket="durable", Key="single", Body=b"one", Metadata={"m": "1"})
    upload = s3.create_multipart_upload(Bucket="durable", Key="multi")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(
        Bucket="durable", Key="multi", UploadId=upload, PartNumber=n, Body=data)["ETag"]}
        for n, data in ((1, b"a" * (5 * MIB)), (2, b"b"))]
    etag = s3.complete_multipart_upload(Bucket="durable", Key="multi", UploadId=upload,
                                        MultipartUpload={"Parts": parts})["ETag"]
    pending = s3.create_multipart_upload(Bucket="durable", Key="later")["UploadId"]
    s3.upload_part(Bucket="durable", Key="later", UploadId=pending, PartNumber=1, Body=b"p")
    first.kill()
    second = start_server("--data-dir", str(tmp_path))
    servers.append(second)
    s3 = second.client("s3")
    single = s3.get_object(Bucket="durable", Key="single")
    assert (single["Body"].read(), single["Metadata"]) == (b"one", {"m": "1"})
    multi = s3.get_object(Bucket="durable", Key="multi")
    assert multi["ETag"] == etag and multi["Body"].read() == b"a" * (5 * MIB) + b"b"
    assert [p["PartNumber"] for p in s3.list_parts(Bucket="durable", Key="later",
                                                   UploadId=pending)["Parts"]] == [1]


def test_a_body_over_five_gib_is_refused_before_it_is_sent(endpoint: str) -> None:
    address = urlsplit(endpoint)
    size = 5 * 1024 ** 3 + 1
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            b"PUT /any-bucket/huge HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
            b"Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/"
            b"aws4_request, SignedHeaders=host, Signature=0\r\n\r\n" % size)
        answer = b""
        while b"</Error>" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"<Code>EntityTooLarge</Code>" in answer
    assert b"<MaxSizeAllowed>5368709120</MaxSizeAllowed>" in answer
    assert b"<ProposedSize>%d</ProposedSize>" % size in answer
