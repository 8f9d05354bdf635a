"""The `headwater` command line."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
import sys
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from headwater import __version__
from headwater import log_format as log_format_module
from headwater.settings import Settings

# Seconds a stop waits for in-flight requests to be answered.
SHUTDOWN_GRACE = 30.0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="headwater")
def main() -> None:
    """Headwater: local DynamoDB, DynamoDB Streams and Lambda stream triggers."""


def _api_options(command: Callable[..., None]) -> Callable[..., None]:
    """--endpoint, --region and --profile, as every command that calls the server's AWS APIs
    takes them (the region resolved by `local_clients.resolve_region`)."""
    endpoint = click.option("--endpoint", default="http://127.0.0.1:4566", show_default=True,
                            envvar="AWS_ENDPOINT_URL", help="The Headwater server.")
    region = click.option("--region", default=None, help="Default: AWS_REGION, "
                          "AWS_DEFAULT_REGION, the profile's region in ~/.aws/config, else "
                          "us-east-1 (as the aws CLI).")
    profile = click.option("--profile", default=None, envvar="AWS_PROFILE",
                           help="A profile of the shared config and credentials files.")
    return endpoint(region(profile(command)))


def _fail(message: str) -> NoReturn:
    click.echo(f"headwater: {message}", err=True)
    sys.exit(1)


@contextlib.contextmanager
def _api_errors() -> Iterator[None]:
    """One line on stderr and exit status 1 for what an AWS API call fails with (the service's
    error message, botocore's, or a ValueError such as botocore's "Invalid endpoint"); Ctrl-C
    ends quietly."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        _fail(error.response["Error"].get("Message") or error.response["Error"]["Code"])
    except (BotoCoreError, ValueError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        pass


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4566, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free port.")
@click.option("--data-dir", default=".headwater", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where state is kept.")
@click.option("--in-memory", is_flag=True, help="Keep all state in memory (tests).")
@click.option("--durability", type=click.Choice(["normal", "full"]), default="normal",
              show_default=True, help="SQLite synchronous mode: NORMAL or FULL.")
@click.option("--cache-size", type=click.IntRange(min=1), default=None, metavar="MB",
              help="SQLite page cache in MB. [default: an eighth of this machine's memory, "
              "64 to 1024]")
@click.option("--mmap-size", type=click.IntRange(min=0), default=None, metavar="MB",
              help="Read up to this many MB of the database file through a memory mapping "
              "(0: off; SQLite caps it, at 2 GB in common builds). [default: 65536]")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]),
              help="info: one line per request (time, caller account, service, operation, "
              "status, duration) and per trigger batch.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON object a line, for machines.")
@click.option("--stream-shards", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Open shards per table stream.")
@click.option("--shard-rollover", default=4 * 3600.0, show_default=True,
              type=click.FloatRange(min=1), help="Seconds of clock time before shards roll over.")
@click.option("--ttl-interval", default=1.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds between TTL sweeps.")
@click.option("--trigger-retry-delay", default=0.05, show_default=True,
              type=click.FloatRange(min=0), help="Seconds before a trigger retries a failed "
              "batch (doubling up to 16x).")
@click.option("--stream-read-limits", type=click.Choice(["on", "off"]), default="off",
              show_default=True, help="Answer GetRecords with LimitExceededException beyond "
              "AWS's limits per shard: 5 calls a second, 2 readers at once.")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Require every AWS API request to be SigV4-signed by a key in FILE "
              "(~/.aws/credentials syntax; README.md, Serving).", metavar="FILE")
@click.option("--max-workers", type=click.IntRange(min=1), default=None,
              help="Function worker processes alive at once; past it invocations are "
              "throttled. Default: 1,000 (AWS's account concurrency) or what this machine's "
              "memory and open-file limit hold, whichever is fewer.")
@click.option("--worker-isolation", type=click.Choice(["auto", "off"]), default="auto",
              show_default=True, help="auto: when run as root, each function worker runs under "
              "a user id of its own and sees only its code, its runtime and a /tmp of its own. "
              "off: workers run as the server's user and see what it sees (handlers that must "
              "reach host files).")
@click.option("--enforce-iam", is_flag=True,
              help="Authorise requests by IAM users and role sessions through their policies "
              "and resource policies, check functions' execution roles, and run handlers "
              "with their role's session credentials (keys IAM did not issue act as their "
              "account's root).")
@click.option("--max-connections", type=click.IntRange(min=1), default=None,
              help="Open client connections to allow; more are answered 503 and closed. "
              "[default: the open-file limit less a quarter, at most 10000]")
@click.option("--header-timeout", default=20.0, show_default=True,
              type=click.FloatRange(min=0.01),
              help="Seconds a client has to send a request's headers (a new connection's "
              "first, from when it connects).")
@click.option("--body-timeout", default=20.0, show_default=True,
              type=click.FloatRange(min=0.01),
              help="Seconds a client has to send a request body, plus one second for every "
              "--min-body-rate bytes it sent.")
@click.option("--min-body-rate", default=500, show_default=True, type=click.IntRange(min=1),
              help="Bytes per second that earn a slow body one more second.")
@click.option("--idle-timeout", default=60.0, show_default=True,
              type=click.FloatRange(min=0.01),
              help="Seconds a keep-alive connection may stay idle between requests.")
@click.option("--stream-endpoint", default=None, metavar="URL",
              help="A remote engine speaking DynamoDB Streams (Amazon DynamoDB: \"aws\"; ScyllaDB "
              "Alternator, another Headwater): mappings on its stream ARNs read it, sharing "
              "shards with other workers through --lease-table (docs/multi-machine.md).")
@click.option("--stream-region", default=None,
              help="The remote engine's region. Default: the AWS chain's (AWS_REGION, the "
              "profile), else us-east-1.")
@click.option("--stream-credentials", default=None, metavar="PROFILE",
              help="The profile whose credentials sign calls to the remote engine. Default: "
              "the usual AWS credential chain.")
@click.option("--lease-table", default="headwater-leases", show_default=True,
              help="The table on the remote engine holding leases and checkpoints (created "
              "if missing).")
@click.option("--lease-duration", default=10.0, show_default=True,
              type=click.FloatRange(min=0.5),
              help="Seconds (wall clock) after which a worker that stopped renewing loses "
              "its leases to the others.")
@click.option("--serve-processes", type=click.IntRange(0, 64), default=0, show_default=True,
              metavar="N", help="Start N more processes on the same port that answer DynamoDB "
              "reads (GetItem, BatchGetItem, Query, Scan) from the database and hand every "
              "other request to this one, to use more cores (docs/multicore.md). Needs a data "
              "directory, not --in-memory.")
def serve(
    host: str, port: int, data_dir: Path, in_memory: bool, durability: str,
    cache_size: int | None, mmap_size: int | None, log_level: str, log_format: str,
    stream_shards: int, shard_rollover: float, ttl_interval: float,
    trigger_retry_delay: float, stream_read_limits: str, credentials: Path | None,
    max_workers: int | None, worker_isolation: str, enforce_iam: bool,
    max_connections: int | None, header_timeout: float, body_timeout: float,
    min_body_rate: int, idle_timeout: float, stream_endpoint: str | None,
    stream_region: str | None, stream_credentials: str | None, lease_table: str,
    lease_duration: float, serve_processes: int,
) -> None:
    """Serve every API on one port."""
    if serve_processes and in_memory:
        click.echo("headwater: --serve-processes needs a data directory (--data-dir): an "
                   "in-memory database cannot be shared with other processes", err=True)
        sys.exit(2)
    keys = None
    if credentials is not None:
        from headwater.wire.credentials import Credentials, CredentialsError

        try:
            keys = Credentials.load(credentials)
        except CredentialsError as error:
            click.echo(f"headwater: --credentials: {error}", err=True)
            sys.exit(1)
        _owner_only(credentials)
    settings = Settings(
        # Absolute, because function workers run with their code directory as cwd.
        host=host, port=port, data_dir=None if in_memory else data_dir.resolve(),
        durability=durability, cache_mb=cache_size, mmap_mb=mmap_size,
        log_level=log_level, stream_shards=stream_shards, shard_rollover=shard_rollover,
        ttl_interval=ttl_interval, trigger_retry_delay=trigger_retry_delay, credentials=keys,
        stream_read_limits=stream_read_limits == "on", max_workers=max_workers or 0,
        worker_isolation=worker_isolation == "auto", enforce_iam=enforce_iam,
        max_connections=max_connections, head_timeout=header_timeout,
        body_timeout=body_timeout, min_body_rate=min_body_rate, idle_timeout=idle_timeout,
        stream_endpoint=stream_endpoint, stream_region=stream_region,
        stream_profile=stream_credentials, lease_table=lease_table,
        lease_duration=lease_duration, serve_processes=serve_processes,
    )
    log_format_module.configure(log_level, log_format)
    _run(_serve(settings, log_format))


@main.command()
@click.argument("function")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events.")
@click.option("--since", type=click.FloatRange(min=0), default=None,
              help="Only events from the last N seconds.")
@_api_options
def logs(function: str, follow: bool, since: float | None, endpoint: str, region: str | None,
         profile: str | None) -> None:
    """Print a function's logs (START/END/REPORT and its output)."""
    import time

    from headwater.local_clients import local_client, resolve_region
    from headwater.logs.tail import function_log_group, tail

    region = resolve_region(region, profile)
    since_ms = int((time.time() - since) * 1000) if since is not None else None
    with _api_errors():
        group = function_log_group(local_client("lambda", endpoint, region, profile), function)
        tail(local_client("logs", endpoint, region, profile), group, follow, since_ms, click.echo)


@main.command()
@click.argument("table")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new records until Ctrl-C.")
@click.option("--from", "start", type=click.Choice(["trim-horizon", "latest"]),
              default="trim-horizon", show_default=True,
              help="Start at the oldest record kept (24 h) or only show records written from "
              "now on.")
@click.option("--json", "as_json", is_flag=True,
              help="Print each record as one line of JSON, as GetRecords returns it.")
@_api_options
def stream(table: str, follow: bool, start: str, as_json: bool, endpoint: str,
           region: str | None, profile: str | None) -> None:
    """Print a table's stream records: one line per change.

    Reads the table's stream with the public DynamoDB Streams API (DescribeStream,
    GetShardIterator, GetRecords), parent shards before their children. Each line shows the
    record's time (UTC), shard id (its last 8 characters), sequence number, eventName, the
    item's keys, and what changed: `name: old -> new`, `+added=value`, `-removed=value`.

    \b
    Example:
      $ headwater stream Users --follow
      2026-11-27T16:35:31 304c47e9 100000000000000000005 INSERT pk="u1" | +name="Ada"
      2026-11-27T16:35:40 304c47e9 100000000000000000009 MODIFY pk="u1" | name: "Ada" -> "Bo"
      2026-11-27T16:35:52 304c47e9 100000000000000000013 REMOVE pk="u1" | -name="Bo"
    """
    from headwater.local_clients import local_client, resolve_region
    from headwater.streams.record_lines import record_json, record_line
    from headwater.streams.watch import Watcher, WatchError, table_stream

    region = resolve_region(region, profile)
    try:
        with _api_errors():
            ddb = local_client("dynamodb", endpoint, region, profile)
            streams = local_client("dynamodbstreams", endpoint, region, profile)
            arn, key_names = table_stream(ddb, table)

            def emit(record: dict[str, Any], shard_id: str) -> None:
                click.echo(record_json(record) if as_json else record_line(record, shard_id,
                                                                           key_names))
            Watcher(streams, arn, start, follow, emit,
                    lambda message: click.echo(f"headwater: {message}", err=True)).run()
    except WatchError as error:
        _fail(str(error))
    except BrokenPipeError:  # `headwater stream T -f | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@main.command()
@click.option("--advance", type=float, default=None, metavar="SECONDS",
              help="Move the clock forward by SECONDS first.")
@click.option("--set", "to", type=float, default=None, metavar="EPOCH",
              help="Move the clock forward to EPOCH seconds first.")
@click.option("--endpoint", default="http://127.0.0.1:4566", show_default=True,
              envvar="AWS_ENDPOINT_URL", help="The Headwater server.")
@click.option("--profile", default=None, envvar="AWS_PROFILE",
              help="Sign with this profile's keys (a server with --credentials needs it).")
def clock(advance: float | None, to: float | None, endpoint: str, profile: str | None) -> None:
    """Print the server's virtual clock (UTC and epoch seconds); --advance or --set move it
    forward (never back, never past year 9999)."""
    import time

    import orjson
    import urllib3

    from headwater.local_clients import control_request

    if advance is not None and to is not None:
        click.echo("headwater: give --advance or --set, not both", err=True)
        sys.exit(2)
    body = None
    if advance is not None:
        body = orjson.dumps({"advance": advance})
    elif to is not None:
        body = orjson.dumps({"set": to})
    try:
        response = control_request("POST" if body else "GET",
                                   f"{endpoint.rstrip('/')}/_headwater/clock", body, profile)
    except urllib3.exceptions.HTTPError as error:
        click.echo(f"headwater: cannot reach {endpoint}: {error}", err=True)
        sys.exit(1)
    try:
        answer = orjson.loads(response.data)
    except orjson.JSONDecodeError:
        answer = {}
    if response.status != 200 or "now" not in answer:
        click.echo(f"headwater: {answer.get('message') or response.status}", err=True)
        sys.exit(1)
    now = float(answer["now"])
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
    click.echo(f"{stamp}Z {now:.3f} (offset {float(answer['offset']):.3f} s)")


@main.command()
@click.option("--endpoint", default="http://127.0.0.1:4566", show_default=True,
              envvar="AWS_ENDPOINT_URL", help="A Headwater worker started with "
              "--stream-endpoint.")
@click.option("--profile", default=None, envvar="AWS_PROFILE",
              help="Sign with this profile's keys (a server with --credentials needs it).")
@click.option("--json", "as_json", is_flag=True, help="Print GET /_headwater/leases as is.")
def leases(endpoint: str, profile: str | None, as_json: bool) -> None:
    """Print the remote streams' leases as a worker last scanned them: owner, shard,
    checkpoint and lag (docs/multi-machine.md)."""
    import orjson
    import urllib3

    from headwater.local_clients import control_request

    try:
        response = control_request("GET", f"{endpoint.rstrip('/')}/_headwater/leases", None,
                                   profile)
    except urllib3.exceptions.HTTPError as error:
        _fail(f"cannot reach {endpoint}: {error}")
    try:
        answer = orjson.loads(response.data)
    except orjson.JSONDecodeError:
        answer = {}
    if response.status != 200:
        _fail(str(answer.get("message") or response.status))
    if as_json:
        click.echo(orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode())
        return
    from headwater.lease_view import render

    render(answer)


@main.command()
@click.option("--data-dir", default=".headwater", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The state to delete when no server runs on it.")
@click.option("--endpoint", default=None, envvar="AWS_ENDPOINT_URL",
              help="Reset the running server there (e.g. http://127.0.0.1:4566).")
@click.option("--profile", default=None, envvar="AWS_PROFILE",
              help="Sign with this profile's keys (a server with --credentials needs it).")
def reset(data_dir: Path, endpoint: str | None, profile: str | None) -> None:
    """Delete every account's state: a running server's (through its admin endpoint,
    POST /_headwater/reset; the clock keeps its time), or a stopped server's data directory.
    The venv is kept."""
    from headwater.core.data_dir_lock import DataDirInUse, DataDirLock, clear

    if endpoint is not None:
        _reset_running(endpoint, profile)
        return
    if not data_dir.exists():
        click.echo(f"{data_dir}: nothing to reset")
        return
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
    except DataDirInUse as error:
        click.echo(f"headwater: {error}: give its address with --endpoint to reset it "
                   "running, or stop it first", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"headwater: cannot use the data directory {data_dir}: {error}", err=True)
        sys.exit(1)
    try:
        clear(data_dir)
    finally:
        lock.release()
    click.echo(f"{data_dir}: state deleted")


def _reset_running(endpoint: str, profile: str | None) -> None:
    import urllib3

    from headwater.local_clients import control_request

    url = f"{endpoint.rstrip('/')}/_headwater/reset"
    try:
        response = control_request("POST", url, None, profile)
    except urllib3.exceptions.HTTPError as error:
        click.echo(f"headwater: cannot reach {endpoint}: {error}", err=True)
        sys.exit(1)
    if response.status != 200:
        click.echo(f"headwater: {url}: {response.status} {response.data.decode()}", err=True)
        sys.exit(1)
    click.echo(f"{endpoint}: state deleted")


@main.command()
@_api_options
def alarms(endpoint: str, region: str | None, profile: str | None) -> None:
    """Print every CloudWatch alarm: state, name, since when (UTC) and the reason of its last
    transition (DescribeAlarms).

    \b
    Example:
      $ headwater alarms
      ALARM             iterator-age 2026-12-05T18:03:00  Threshold Crossed: 1 out of ...
    """
    from headwater.cloudwatch.console import alarm_lines
    from headwater.local_clients import local_client, resolve_region

    with _api_errors():
        client = local_client("cloudwatch", endpoint, resolve_region(region, profile), profile)
        for line in alarm_lines(client):
            click.echo(line)


@main.command()
@click.argument("namespace")
@click.argument("metric")
@click.option("--dimension", "-d", "dimensions", multiple=True, metavar="K=V",
              help="A dimension of the metric (repeat for more).")
@click.option("--since", default="1h", show_default=True,
              help="How far back: 90s, 15m, 1h, 2d.")
@click.option("--stat", default="Average", show_default=True,
              type=click.Choice(["Average", "Sum", "Minimum", "Maximum", "SampleCount"]))
@_api_options
def metrics(namespace: str, metric: str, dimensions: tuple[str, ...], since: str, stat: str,
            endpoint: str, region: str | None, profile: str | None) -> None:
    """Chart one metric in the terminal (GetMetricStatistics), up to 60 columns, over the
    server's clock (so an advanced virtual clock shows what the alarms see).

    \b
    Example:
      $ headwater metrics AWS/Lambda IteratorAge -d FunctionName=scorer --stat Maximum
    """
    from headwater.cloudwatch.console import duration, metric_chart
    from headwater.local_clients import local_client, resolve_region, server_now

    try:
        dims = dict(d.split("=", 1) for d in dimensions)
    except ValueError:
        click.echo("headwater: --dimension takes K=V", err=True)
        sys.exit(2)
    with _api_errors():
        span = duration(since)
        client = local_client("cloudwatch", endpoint, resolve_region(region, profile), profile)
        for line in metric_chart(client, namespace, metric, dims, span,
                                 server_now(endpoint, profile), stat):
            click.echo(line)


@main.command()
@click.option("--install", is_flag=True,
              help="Install every Python runtime's SDK into the cache now (then no server "
              "needs the network for it).")
def runtimes(install: bool) -> None:
    """Print which interpreter runs each Lambda runtime on this machine and the AWS SDK version
    its handlers import (boto3 for Python, the JavaScript SDK v3 for Node.js), pinned per
    runtime and installed into Headwater's cache on first use: $HEADWATER_CACHE_DIR, else
    $XDG_CACHE_HOME/headwater, else ~/.cache/headwater."""
    from headwater.functions.interpreters import PYTHON_RUNTIMES, python_for
    from headwater.functions.runtime_sdk import (
        SDK_RELEASES,
        SdkInstallError,
        cache_root,
        runtime_table,
    )
    from headwater.functions.runtime_sdk import install as install_sdk

    root = cache_root()
    failures: dict[str, str] = {}  # by pinned set: runtimes sharing one fail together
    if install:
        for runtime in PYTHON_RUNTIMES:
            key = SDK_RELEASES[runtime].key
            try:
                if key not in failures:
                    install_sdk(runtime, root, python_for(runtime).path)
            except (SdkInstallError, OSError) as error:
                failures[key] = str(error)
            if key in failures:
                click.echo(f"headwater: {runtime}: {failures[key]}", err=True)
        failures.update(_install_node_sdks(root))
    for line in runtime_table(root):
        click.echo(line)
    if failures:
        sys.exit(1)


def _install_node_sdks(root: Path) -> dict[str, str]:
    """`headwater runtimes --install` for the Node.js runtimes this machine serves."""
    from headwater.functions.node_runtimes import NODE_RUNTIMES, node_for
    from headwater.functions.node_sdk import PINS, NodeSdk
    from headwater.functions.node_sdk import install as install_node_sdk

    failures: dict[str, str] = {}
    sdk = NodeSdk(root)
    for runtime in NODE_RUNTIMES:
        if node_for(runtime) is None or PINS[runtime] in failures:
            continue
        installed = install_node_sdk(sdk.directory(runtime), PINS[runtime])
        if installed.problem is not None:
            failures[PINS[runtime]] = installed.problem
            click.echo(f"headwater: {runtime}: {installed.problem}", err=True)
    return failures


@main.command()
@click.argument("template", default="template.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--stack-name", default=None,
              help="Default: the template's directory name (examples/replication -> replication).")
@click.option("--parameter-overrides", "overrides", multiple=True, metavar="K=V",
              help="Template parameter values, 'K=V K2=V2' or the option repeated.")
@click.option("--delete", is_flag=True, help="Delete the stack (and everything it created).")
@click.option("--timeout", default=600.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds to wait for the stack to settle.")
@_api_options
def deploy(template: Path, stack_name: str | None, overrides: tuple[str, ...], delete: bool,
           timeout: float, endpoint: str, region: str | None, profile: str | None) -> None:
    """Create or update a stack from a CloudFormation or SAM template, as `sam deploy` does:
    local code directories (CodeUri, Code) are zipped and uploaded to S3, a change set is
    created and executed, the stack's events stream here until it settles, then its outputs
    are printed.

    \b
    Examples:
      $ headwater deploy examples/replication/template.yaml
      $ headwater deploy template.yaml --stack-name orders --parameter-overrides Stage=dev
      $ headwater deploy --delete --stack-name orders
    """
    from headwater.deploy.command import run_deploy

    with _api_errors():
        run_deploy(template, stack_name, overrides, delete, timeout, endpoint,
                   region, profile, click.echo, _fail)


def _owner_only(path: Path) -> None:
    """The credentials file readable by its owner only (function workers must not read it)."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        try:
            os.chmod(path, mode & 0o700)
        except OSError as error:
            click.echo(f"headwater: --credentials: {path} is readable by others and cannot be "
                       f"made owner-only: {error}", err=True)
            return
        click.echo(f"headwater: --credentials: made {path} readable by its owner only "
                   f"(mode {mode:o} -> {mode & 0o700:o})", err=True)


def _run(main: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)


async def _serve(settings: Settings, log_format: str = "text") -> None:
    from headwater.core.data_dir_lock import DataDirInUse, DataDirLock

    # First of all, so a second server on the same data directory ends at once.
    lock = None if settings.data_dir is None else DataDirLock(settings.data_dir)
    if lock is not None:
        try:
            lock.acquire()
        except DataDirInUse as error:
            click.echo(f"headwater: {error}", err=True)
            sys.exit(1)
        except OSError as error:
            click.echo(f"headwater: cannot use the data directory {settings.data_dir}: {error}",
                       err=True)
            sys.exit(1)

    from headwater.http.server import HttpServer, Limits, default_max_connections
    from headwater.runtime import Runtime
    from headwater.server import HeadwaterApp

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if settings.serve_processes:
        # Serving processes listen on the same port (docs/multicore.md).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as error:
        click.echo(f"headwater: cannot listen on {settings.host}:{settings.port}: {error}",
                   err=True)
        sys.exit(1)
    sock.listen(1024)
    host, port = sock.getsockname()[:2]
    # Everything that names this server (function workers' AWS_ENDPOINT_URL, DescribeEndpoints)
    # learns the bound port here, before any background worker starts.
    settings = dataclasses.replace(settings, port=port)
    app = HeadwaterApp(Runtime(settings))
    app.start()
    limits = Limits(max_connections=settings.max_connections or default_max_connections(),
                    head_timeout=settings.head_timeout, body_timeout=settings.body_timeout,
                    min_rate=settings.min_body_rate, idle_timeout=settings.idle_timeout)
    server = HttpServer(app.handle, app.when_settled, limits, head=app.head,
                        too_large=app.too_large)
    await server.start(sock)
    serving = None
    if settings.serve_processes:
        from headwater.serving.owner import ServingProcesses

        serving = ServingProcesses(settings, log_format, lambda: app.runtime.cloudwatch)
        await serving.listen(app.handle, app.when_settled, app.head, app.too_large)
        app.serving = serving
        serving.start()
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    click.echo(f"http://{host}:{port}")
    sys.stdout.flush()
    await stopping.wait()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)  # a second signal stops at once
    # End long polls first so a stop does not wait out a 20 s ReceiveMessage.
    app.runtime.queues.release()
    if serving is not None:
        await serving.stop()  # they finish their requests, forwarded ones included
    await server.shutdown(SHUTDOWN_GRACE)
    if serving is not None:
        await serving.close()
    await app.stop()
    if lock is not None:
        lock.release()
