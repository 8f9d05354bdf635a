"""What a handler can import (functions/runtime_sdk.py, docs/runtimes.md): its own code, the
standard library and the AWS SDK its runtime ships, pinned per runtime, from Headwater's cache;
not the server's packages nor the interpreter's site-packages. A package the runtime lacks fails
with AWS's Runtime.ImportModuleError. The cache, once filled, serves servers without network; an
SDK that cannot be installed fails the handlers that import it, with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from functions_support import Factory, call, package
from server_support import Server, serving

from headwater.functions.interpreters import PYTHON_RUNTIMES
from headwater.functions.node_runtimes import NODE_RUNTIMES, node_for
from headwater.functions.runtime_sdk import SDK_RELEASES, cache_root, sdk_dir

PROBE = """
import sys
import boto3, botocore, urllib3
def handler(event, context):
    table = event.get("table")
    if table:
        boto3.client("dynamodb").put_item(TableName=table,
                                          Item={"pk": {"S": context.aws_request_id}})
    return {"boto3": boto3.__version__, "botocore": botocore.__version__,
            "urllib3": urllib3.__version__, "from": boto3.__file__, "path": sys.path,
            "python": list(sys.version_info[:2])}
"""


def _missing(name: str) -> str:
    return f"Unable to import module 'app': No module named '{name}'"


@pytest.mark.parametrize("runtime", PYTHON_RUNTIMES)
def test_each_python_runtime_imports_its_pinned_boto3(lambda_: Any, make_function: Factory,
                                                       ddb: Any, make_table: Any,
                                                       runtime: str) -> None:
    # python3.9 used to get the server's urllib3 2.8, which needs 3.10 (a TypeError at import).
    release = SDK_RELEASES[runtime]
    table = make_table()
    name = make_function(PROBE, runtime=runtime, Timeout=30)
    found, response = call(lambda_, name, {"table": table})
    assert "FunctionError" not in response, found
    assert (found["boto3"], found["botocore"], found["urllib3"]) == (
        release.boto3, release.version_of("botocore"), release.version_of("urllib3"))
    assert found["from"].startswith(str(sdk_dir(cache_root(), release)) + os.sep)
    assert not [entry for entry in found["path"] if "-packages" in entry], found["path"]
    assert ddb.scan(TableName=table)["Count"] == 1


@pytest.mark.parametrize("module", ["requests", "orjson", "click", "headwater"])
def test_what_the_runtime_lacks_fails_as_on_aws(lambda_: Any, make_function: Factory,
                                                module: str) -> None:
    # All four import in the server's venv or in the python3.11 interpreter's site-packages.
    name = make_function(f"import {module}\ndef handler(e, c):\n    return 1\n",
                         runtime="python3.11")
    found, response = call(lambda_, name)
    assert response["FunctionError"] == "Unhandled"
    assert (found["errorType"], found["errorMessage"]) == ("Runtime.ImportModuleError",
                                                          _missing(module))


def test_a_bundled_boto3_wins_over_the_runtime_s(lambda_: Any, make_function: Factory) -> None:
    code = package({"app.py": "import boto3\ndef handler(e, c):\n    return boto3.__version__\n",
                    "boto3/__init__.py": "__version__ = 'bundled'\n"})
    name = make_function(zip_bytes=code, runtime="python3.12")
    assert call(lambda_, name)[0] == "bundled"


def test_the_runtime_version_arn_still_names_the_interpreter(lambda_: Any,
                                                             make_function: Factory) -> None:
    name = make_function(runtime="python3.12")
    arn = lambda_.get_function(FunctionName=name)["Configuration"]["RuntimeVersionConfig"][
        "RuntimeVersionArn"]
    assert arn.startswith("arn:aws:lambda:us-east-1::runtime:headwater:")
    assert "python3.12" in arn


# Servers without PyPI: pip finds nothing (no index, no links, no configuration files).
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull,
           "npm_config_registry": "http://127.0.0.1:9/", "npm_config_fetch_retries": "0"}


@pytest.fixture(scope="module")
def caches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a cache holding python3.12's SDK, copied from the session's; an empty one), both under
    /tmp, which an isolated worker's /tmp covers: its SDK must be mounted back."""
    filled = tmp_path_factory.mktemp("sdk-filled")
    release = SDK_RELEASES["python3.12"]
    shutil.copytree(sdk_dir(cache_root(), release), sdk_dir(filled, release), symlinks=True)
    return filled, tmp_path_factory.mktemp("sdk-empty")


def _offline(cache: Path, links: Path) -> Iterator[Server]:
    yield from serving("--in-memory", env={**OFFLINE, "PIP_FIND_LINKS": str(links),
                                           "HEADWATER_CACHE_DIR": str(cache)})


@pytest.fixture(scope="module")
def offline(caches: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Server]:
    yield from _offline(caches[0], tmp_path_factory.mktemp("links"))


@pytest.fixture(scope="module")
def broken(caches: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    yield from _offline(caches[1], tmp_path_factory.mktemp("links"))


def test_a_filled_cache_needs_no_network(offline: Server, caches: tuple[Path, Path]) -> None:
    lam = offline.client("lambda")
    factory = Factory(lam)
    try:
        name = factory(PROBE, runtime="python3.12", Timeout=30)
        found, response = call(lam, name)
        assert "FunctionError" not in response, found
        release = SDK_RELEASES["python3.12"]
        assert found["boto3"] == release.boto3
        assert found["from"].startswith(str(sdk_dir(caches[0], release)) + os.sep)
    finally:
        factory.cleanup()


def test_an_sdk_that_cannot_be_installed_fails_the_handlers_that_import_it(
        broken: Server, caches: tuple[Path, Path]) -> None:
    lam = broken.client("lambda")
    factory = Factory(lam)
    release = SDK_RELEASES["python3.12"]
    try:
        name = factory("import boto3\ndef handler(e, c):\n    return 1\n", runtime="python3.12")
        found, response = call(lam, name)
        assert response["FunctionError"] == "Unhandled"
        assert found["errorType"] == "Runtime.ImportModuleError"
        assert found["errorMessage"].startswith(
            f"{_missing('boto3')} (Headwater could not install the python3.12 runtime's AWS "
            f"SDK (boto3 {release.boto3}) into {sdk_dir(caches[1], release)}: ")
        assert "boto3==" in found["errorMessage"]
        # A handler that does not import the SDK runs; nothing half-installed is left.
        name = factory("import json\ndef handler(e, c):\n    return json.dumps(e)\n",
                       runtime="python3.12")
        assert call(lam, name, {"a": 1})[0] == '{"a": 1}'
        assert not sdk_dir(caches[1], release).exists()
        assert not [p for p in (caches[1] / "runtime-sdk").iterdir() if p.suffix == ".tmp"]
    finally:
        factory.cleanup()



def test_headwater_runtimes_lists_what_runs_each_runtime(caches: tuple[Path, Path]) -> None:
    # The cache holds python3.12's set only, and pip is offline: --install fails for the other
    # set (python3.9's), says why, and the table tells which sets are cached.
    done = subprocess.run([sys.executable, "-m", "headwater", "runtimes", "--install"],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **OFFLINE, "HEADWATER_CACHE_DIR": str(caches[0])})
    assert done.returncode == 1
    assert "\nheadwater: python3.9: " in done.stderr
    assert "boto3==1.42.97" in done.stderr and "python3.12" not in done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:-1]}
    assert set(rows) == {*PYTHON_RUNTIMES, *NODE_RUNTIMES, "provided.al2", "provided.al2023"}
    assert rows["python3.12"][-2:] == [SDK_RELEASES["python3.12"].boto3, "yes"]
    for runtime in NODE_RUNTIMES:  # npm is offline too: nothing cached, or refused without node
        assert rows[runtime][-1] in ("use)", "-")
        assert (rows[runtime][1] == "refused:") == (node_for(runtime) is None)
    assert rows["python3.9"][-6:] == [SDK_RELEASES["python3.9"].boto3, "no", "(installed",
                                      "on", "first", "use)"]
    assert done.stdout.splitlines()[-1] == (f"SDK cache: {caches[0] / 'runtime-sdk'} (Python), "
                                            f"{caches[0] / 'node-sdk'} (Node.js)")
