"""The aws CLI (awscli, installed with the test extra) works against Headwater."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

AWS = Path(sys.executable).with_name("aws")


@pytest.fixture
def aws(endpoint: str, tmp_path: Path) -> Callable[..., Any]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"), "AWS_PAGER": ""}

    def run(*args: str, check: bool = True) -> Any:
        result = subprocess.run([str(AWS), "--endpoint-url", endpoint, "--output", "json",
                                 "dynamodb", *args], env=env, capture_output=True, text=True,
                                timeout=60)
        if not check:
            return result
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    return run


@pytest.fixture
def cli_table(aws: Callable[..., Any], ddb: Any, unique: Callable[[str], str]) -> Iterator[str]:
    name = unique("cli")
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ddb.exceptions.ResourceNotFoundException:
        pass


pytestmark = pytest.mark.skipif(not AWS.exists(), reason="aws CLI not installed")


def test_cli_round_trip(aws: Callable[..., Any], cli_table: str) -> None:
    created = aws("create-table", "--table-name", cli_table,
                  "--attribute-definitions", "AttributeName=id,AttributeType=S",
                  "--key-schema", "AttributeName=id,KeyType=HASH",
                  "--billing-mode", "PAY_PER_REQUEST")
    assert created["TableDescription"]["TableName"] == cli_table
    assert created["TableDescription"]["KeySchema"] == [{"AttributeName": "id",
                                                         "KeyType": "HASH"}]

    aws("put-item", "--table-name", cli_table,
        "--item", '{"id": {"S": "1"}, "count": {"N": "1.50"}, "tags": {"SS": ["a"]}}')
    got = aws("get-item", "--table-name", cli_table, "--key", '{"id": {"S": "1"}}')
    assert got["Item"]["count"] == {"N": "1.5"}
    assert got["Item"]["tags"] == {"SS": ["a"]}

    updated = aws("update-item", "--table-name", cli_table, "--key", '{"id": {"S": "1"}}',
                  "--update-expression", "SET #c = #c + :inc",
                  "--expression-attribute-names", '{"#c": "count"}',
                  "--expression-attribute-values", '{":inc": {"N": "2"}}',
                  "--return-values", "UPDATED_NEW")
    assert updated["Attributes"] == {"count": {"N": "3.5"}}

    described = aws("describe-table", "--table-name", cli_table)
    assert described["Table"]["ItemCount"] == 1
    assert described["Table"]["TableStatus"] == "ACTIVE"

    failed = aws("put-item", "--table-name", cli_table, "--item", '{"id": {"S": "1"}}',
                 "--condition-expression", "attribute_not_exists(id)", check=False)
    assert failed.returncode != 0
    assert ("An error occurred (ConditionalCheckFailedException) when calling the PutItem "
            "operation: The conditional request failed") in failed.stderr


def test_cli_reports_aws_errors(aws: Callable[..., Any]) -> None:
    result = aws("get-item", "--table-name", "nothere", "--key", '{"id": {"S": "1"}}',
                 check=False)
    assert result.returncode != 0
    assert ("An error occurred (ResourceNotFoundException) when calling the GetItem operation: "
            "Requested resource not found") in result.stderr
