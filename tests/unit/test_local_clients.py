"""The command line's own clients sign with the environment's key when one is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.local_clients import DUMMY_KEY, local_client, resolve_region

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
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # No shared files: a machine's own ~/.aws/credentials would sign otherwise.
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    client = local_client("dynamodbstreams", ENDPOINT, "us-east-1")
    credentials = client._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        *DUMMY_KEY, None)
    assert client.meta.region_name == "us-east-1"
    assert client.meta.endpoint_url == ENDPOINT


REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE",
                    "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                    "AWS_SESSION_TOKEN")


@pytest.fixture
def shared_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Shared config and credentials files (as ~/.aws has them), no AWS_* variables."""
    for name in REGION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").write_text("[default]\nregion = ap-south-1\n\n"
                                     "[profile dev]\nregion = eu-central-1\n")
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = 111111111111\naws_secret_access_key = d\n\n"
        "[dev]\naws_access_key_id = 222222222222\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return tmp_path


def test_region_as_the_aws_cli_picks_it(shared_files: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_region(None) == "ap-south-1"
    assert resolve_region(None, "dev") == "eu-central-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert resolve_region(None, "dev") == "us-west-2"
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    assert resolve_region(None, "dev") == "eu-west-3"
    assert resolve_region("sa-east-1", "dev") == "sa-east-1"


def test_region_defaults_to_us_east_1(shared_files: Path) -> None:
    (shared_files / "config").write_text("")
    assert resolve_region(None) == "us-east-1"


def test_the_profile_s_keys_sign(shared_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def key(profile: str | None) -> str:
        signer = local_client("dynamodb", ENDPOINT, "us-east-1", profile)._request_signer
        return str(signer._credentials.access_key)

    assert key(None) == "111111111111"
    assert key("dev") == "222222222222"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "333333333333")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "e")
    assert key("dev") == "333333333333"  # the environment's keys first, as botocore's chain
