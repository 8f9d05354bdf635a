"""The --credentials file (wire/credentials.py): format, accounts, and function workers' keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.wire.credentials import WORKER_TOKEN, Credentials, CredentialsError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "credentials"
    path.write_text(text)
    return path


def test_keys_map_to_their_account_or_the_default_rule(tmp_path: Path) -> None:
    credentials = Credentials.load(write(tmp_path, """
        [alice]
        aws_access_key_id = AKIDALICE
        aws_secret_access_key = s1
        [bob]
        aws_access_key_id = AKIDBOB
        aws_secret_access_key = s2
        aws_account_id = 111122223333
        [numeric]
        aws_access_key_id = 444455556666
        aws_secret_access_key = s3
        """.replace("\n        ", "\n")))
    assert credentials.lookup("AKIDALICE", "") == ("s1", "000000000000")
    assert credentials.lookup("AKIDBOB", "") == ("s2", "111122223333")
    assert credentials.lookup("444455556666", "") == ("s3", "444455556666")
    assert credentials.lookup("AKIDNOPE", "") is None


def test_workers_sign_as_their_own_account_only(tmp_path: Path) -> None:
    credentials = Credentials.load(write(tmp_path, "[a]\naws_access_key_id=K\n"
                                                   "aws_secret_access_key=S\n"))
    secret = credentials.worker_secret("123456789012")
    assert credentials.lookup("123456789012", WORKER_TOKEN) == (secret, "123456789012")
    assert credentials.worker_secret("210987654321") != secret
    assert credentials.lookup("123456789012", "") is None
    assert Credentials.load(write(tmp_path, "[a]\naws_access_key_id=K\n"
                                            "aws_secret_access_key=S\n")).worker_secret(
        "123456789012") != secret  # a new random server secret per start


@pytest.mark.parametrize(("text", "message"), [
    ("", "lists no keys"),
    ("[a]\naws_access_key_id=K\n", "needs aws_access_key_id and aws_secret_access_key"),
    ("[a]\naws_access_key_id=K\naws_secret_access_key=S\naws_account_id=12\n", "12 digits"),
    ("[a]\naws_access_key_id=K\naws_secret_access_key=S\n"
     "[b]\naws_access_key_id=K\naws_secret_access_key=T\n", "listed twice"),
    ("not ini", "cannot read"),
])
def test_unusable_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CredentialsError, match=message):
        Credentials.load(write(tmp_path, text))
