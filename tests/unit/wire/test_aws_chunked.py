"""aws-chunked bodies: decoding (sizes, trailers, IncompleteBody) and chunk signatures checked
against the S3 API reference's worked example ("Example: PUT Object" of "Signature
Calculations for the Authorization Header: Transferring Payload in Multiple Chunks")."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.wire import aws_chunked

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DATE = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGNATURES = ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"]


def _key() -> bytes:
    key = f"AWS4{SECRET}".encode()
    for part in ("20130524", "us-east-1", "s3", "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key


def _example(signatures: list[str]) -> bytes:
    chunks = [b"a" * 65536, b"a" * 1024, b""]
    return b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), s.encode(), c)
                    for c, s in zip(chunks, signatures, strict=True))


def test_the_documented_example_verifies() -> None:
    decoded = aws_chunked.decode(_example(CHUNK_SIGNATURES), "66560")
    assert decoded.data == b"a" * 66560
    aws_chunked.verify_chunks(decoded, _key(), DATE, SCOPE, SEED)


def test_a_changed_chunk_or_signature_fails() -> None:
    body = _example(CHUNK_SIGNATURES).replace(b"a" * 1024, b"b" + b"a" * 1023)
    with pytest.raises(aws_chunked.SignatureDoesNotMatch):
        aws_chunked.verify_chunks(aws_chunked.decode(body, None), _key(), DATE, SCOPE, SEED)
    reordered = [CHUNK_SIGNATURES[1], CHUNK_SIGNATURES[0], CHUNK_SIGNATURES[2]]
    with pytest.raises(aws_chunked.SignatureDoesNotMatch):
        aws_chunked.verify_chunks(aws_chunked.decode(_example(reordered), None), _key(), DATE,
                                  SCOPE, SEED)


def test_trailers_and_lengths() -> None:
    body = b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n"
    decoded = aws_chunked.decode(body, "3")
    assert (decoded.data, decoded.trailers) == (b"abc", {"x-amz-checksum-crc32": "NSRBwg=="})
    with pytest.raises(aws_chunked.IncompleteBody):
        aws_chunked.decode(body, "4")
    for broken in (b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nabc\r\n0\r\n\r\n", b"3\r\nabc"):
        with pytest.raises(aws_chunked.InvalidRequest):
            aws_chunked.decode(broken, None)


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8))
def test_any_chunking_decodes_to_its_payload(chunks: list[bytes]) -> None:
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    assert aws_chunked.decode(body, str(sum(map(len, chunks)))).data == b"".join(chunks)


def test_signature_chain_is_hmac_of_the_previous() -> None:
    """The chain as the spec states it, independently of verify_chunks."""
    empty = hashlib.sha256(b"").hexdigest()
    to_sign = (f"AWS4-HMAC-SHA256-PAYLOAD\n{DATE}\n{SCOPE}\n{SEED}\n{empty}\n"
               f"{hashlib.sha256(b'a' * 65536).hexdigest()}")
    assert hmac.digest(_key(), to_sign.encode(), "sha256").hex() == CHUNK_SIGNATURES[0]
