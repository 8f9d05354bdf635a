"""Only an execution environment's own worker may use its Runtime API: another local process
that finds the port can neither take the next invocation (and read its payload) nor answer it.
Runtimes that build their URLs differently still work: a curl bootstrap, and awslambdaric, the
official Python runtime interface client."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from functions_support import Factory, call, package

ADDRESS = "import os\ndef handler(event, context):\n    return os.environ['AWS_LAMBDA_RUNTIME_API']\n"
FORBIDDEN = {"errorMessage": "Only this execution environment's runtime may use its Runtime API.",
             "errorType": "Forbidden"}


def _foreign(address: str, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(*address.split(":"), timeout=10)
    try:
        connection.request(method, f"/2018-06-01/runtime{path}", body=body)
        response = connection.getresponse()
        return response.status, orjson.loads(response.read())
    finally:
        connection.close()


def test_a_foreign_process_cannot_take_or_answer_invocations(lambda_: Any,
                                                              make_function: Factory) -> None:
    name = make_function(ADDRESS)
    address, _ = call(lambda_, name)  # the worker is warm now, polling invocation/next
    assert _foreign(address, "GET", "/invocation/next") == (403, FORBIDDEN)
    assert _foreign(address, "POST", "/invocation/some-id/response", b'"forged"') == \
        (403, FORBIDDEN)
    assert _foreign(address, "POST", "/init/error", b"{}") == (403, FORBIDDEN)
    # The worker still gets (and answers) the next invocation.
    again, response = call(lambda_, name, {"a": 1})
    assert again == address and "FunctionError" not in response


def test_a_curl_bootstrap_still_works(lambda_: Any, make_function: Factory) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    bootstrap = """#!/bin/sh
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "$api/next")
  id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -X POST "$api/$id/response" -d "{\\"got\\": $event}" > /dev/null
done
"""
    zip_bytes = package({"bootstrap": bootstrap}, modes={"bootstrap": 0o755})
    name = make_function(zip_bytes=zip_bytes, runtime="provided.al2023", handler="x.y")
    assert call(lambda_, name, {"n": 1})[0] == {"got": {"n": 1}}
    assert call(lambda_, name, {"n": 2})[0] == {"got": {"n": 2}}


@pytest.fixture(scope="module")
def awslambdaric(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("awslambdaric")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                           "awslambdaric"], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"awslambdaric cannot be installed here: {done.stderr.strip()[-300:]}")
    return target


def test_awslambdaric_runs_against_the_runtime_api(lambda_: Any, make_function: Factory,
                                                   awslambdaric: Path) -> None:
    files: dict[str, str | bytes] = {
        str(path.relative_to(awslambdaric)): path.read_bytes()
        for path in awslambdaric.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    files["bootstrap"] = f'#!/bin/sh\nexec {sys.executable} -m awslambdaric "$_HANDLER"\n'
    files["app.py"] = ("def handler(event, context):\n"
                       "    if event.get('fail'):\n        raise ValueError('no')\n"
                       "    return {'echo': event, 'id': context.aws_request_id}\n")
    modes = {name: 0o755 for name in files if name == "bootstrap" or name.endswith(".so")}
    name = make_function(zip_bytes=package(files, modes), runtime="provided.al2023",
                         handler="app.handler", Timeout=30)
    result, response = call(lambda_, name, {"a": 1})
    assert result == {"echo": {"a": 1}, "id": response["ResponseMetadata"]["RequestId"]}
    failed, response = call(lambda_, name, {"fail": True})
    assert response["FunctionError"] == "Unhandled"
    assert (failed["errorType"], failed["errorMessage"]) == ("ValueError", "no")
