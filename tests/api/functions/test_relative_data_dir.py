"""A server started with a relative --data-dir (the default is ./.headwater) runs functions:
their workers start in their code directory, so the path must not stay relative."""

from __future__ import annotations

from pathlib import Path

import pytest
from functions_support import Factory, call
from server_support import client, start_server

pytestmark = pytest.mark.local_only


def test_functions_run_with_a_relative_data_dir(tmp_path: Path) -> None:
    server = start_server("--data-dir", "state", cwd=str(tmp_path))
    try:
        lam = client("lambda", server.url)
        factory = Factory(lam)
        name = factory("def handler(event, context):\n    return {'ok': event['n']}\n")
        result, response = call(lam, name, {"n": 7})
        assert "FunctionError" not in response, result
        assert result == {"ok": 7}
        assert (tmp_path / "state" / "headwater.sqlite3").exists()
    finally:
        server.stop()
