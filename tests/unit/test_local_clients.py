"""The command line's own clients sign with the environment's key when one is set."""

from __future__ import annotations

import pytest

from headwater.local_clients import DUMMY_KEY, local_client

ENDPOINT = "http://127.0.0.1:1"


def test_the_environment_key_signs_when_both_halves_are_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDALICE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "alice-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    credentials = local_client("logs", ENDPOINT, "eu-west-1")._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        "AKIDALICE", "alice-secret", "token")


@pytest.mark.parametrize("present", [{}, {"AWS_ACCESS_KEY_ID": "AKIDALICE"}])
def test_a_dummy_key_signs_otherwise(monkeypatch: pytest.MonkeyPatch,
                                     present: dict[str, str]) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    client = local_client("dynamodbstreams", ENDPOINT, "us-east-1")
    credentials = client._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        *DUMMY_KEY, None)
    assert client.meta.region_name == "us-east-1"
    assert client.meta.endpoint_url == ENDPOINT
