"""Lambda's service state: the function store, name resolution, code directories, the
execution-environment pool, logs and the in-process Invoke API (`Functions.invoke`)."""

from __future__ import annotations

import logging
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from headwater.core.authority import OPEN, Authority
from headwater.core.clock import Clock
from headwater.core.events import Publish, ignore
from headwater.core.storage import Storage
from headwater.functions import invoker, isolation
from headwater.functions.deployment_packages import unpack
from headwater.functions.errors import ResourceNotFoundException
from headwater.functions.event_queue import EventQueue
from headwater.functions.function_service import Deliver
from headwater.functions.invocation import InvokeResult, Resolved
from headwater.functions.isolation import UserIds
from headwater.functions.names import LATEST, FunctionRef, function_arn, parse
from headwater.functions.node_sdk import NodeSdk
from headwater.functions.pool import EnvironmentPool, default_max_workers
from headwater.functions.runtime_sdk import RuntimeSdks, cache_root
from headwater.functions.store import FunctionRecord, FunctionStore
from headwater.functions.worker_processes import reap_leftovers, server_token
from headwater.logs.store import LogStore
from headwater.settings import Settings
from headwater.wire.errors import AwsError

log = logging.getLogger("headwater.functions")


def _route(alias: dict[str, Any]) -> str:
    """The version an alias sends this invocation to: AdditionalVersionWeights take their share
    at random, the alias's own version the rest."""
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    draw = random.random()
    for version, weight in weights.items():
        if draw < weight:
            return str(version)
        draw -= weight
    return str(alias["FunctionVersion"])


def _ignore(*_: object) -> None:
    return None


def not_found(ref: FunctionRef) -> ResourceNotFoundException:
    arn = function_arn(ref.region, ref.account, ref.name, ref.qualifier)
    return ResourceNotFoundException(f"Function not found: {arn}")


class Functions:
    """`deliver` sends destination and dead-letter records to SQS queues and SNS topics."""

    def __init__(self, storage: Storage, clock: Clock, settings: Settings,
                 deliver: Deliver, authority: Authority = OPEN, publish: Publish = ignore,
                 record: Callable[..., None] | None = None) -> None:
        """`publish` announces invocations and log lines (the live console); `record` takes
        AWS/Lambda metrics (functions/metrics.py) from the composition root."""
        self.record: Callable[..., None] = record or _ignore
        self.store = FunctionStore(storage)
        self.logs = LogStore(storage, publish)
        self.publish = publish
        self.clock = clock
        self._temporary = settings.data_dir is None
        if settings.data_dir is None:
            self.code_root = Path(tempfile.mkdtemp(prefix="headwater-code-"))
        else:
            self.code_root = settings.data_dir / "functions"
        self.endpoint = settings.endpoint
        # Tags this server's workers; with a data directory, kills a SIGKILLed predecessor's.
        self.worker_token = server_token(settings.data_dir)
        max_workers = settings.max_workers or default_max_workers()
        # What workers must not see: the data directory (or the in-memory code root).
        self.hidden_root = settings.data_dir or self.code_root
        self.user_ids: UserIds | None = None
        if settings.worker_isolation and isolation.available():
            # Room for environments still closing while new ones start.
            self.user_ids = UserIds(self.worker_token, 2 * max_workers + 16)
            self.code_root.mkdir(parents=True, exist_ok=True)
            os.chmod(self.code_root, 0o711)  # workers may enter it, not list it
        reaped = 0
        if settings.data_dir is not None:
            reaped = reap_leftovers(self.worker_token)
            reaped += self.user_ids.reap() if self.user_ids is not None else 0
        if reaped:
            log.warning("killed %d function worker processes a previous server left", reaped)
        self.credentials = settings.credentials
        self.deliver = deliver
        # What IAM allows (core/authority.py): role checks, and workers' role sessions.
        self.authority = authority
        self.pool = EnvironmentPool(clock, max_workers)
        self.events = EventQueue(self)
        # Each Python runtime's pinned boto3, and the Node.js runtimes' JavaScript SDK, from
        # Headwater's cache (runtime_sdk.py, node_sdk.py).
        self.sdks = RuntimeSdks(cache_root())
        self.node_sdk = NodeSdk(cache_root())

    def function(self, ref: FunctionRef) -> FunctionRecord:
        record = self.store.get(ref.account, ref.region, ref.name)
        if record is None:
            raise not_found(FunctionRef(ref.account, ref.region, ref.name, None))
        return record

    def role_of(self, function_arn: str) -> str | None:
        """The execution role of the function (and qualifier) an ARN names, or None when
        there is no such function."""
        try:
            resolved = self.resolve("", "", function_arn)
        except AwsError:
            return None
        role = resolved.config.get("Role")
        return role if isinstance(role, str) else None

    def resolve(self, account: str, region: str, function_name: str,
                qualifier: str | None = None) -> Resolved:
        ref = parse(account, region, function_name, qualifier)
        record = self.store.get(ref.account, ref.region, ref.name)
        if record is None:
            raise not_found(ref)
        wanted = ref.qualifier
        if wanted is None or wanted == LATEST:
            return Resolved(record, ref, LATEST, record.config, None)
        if wanted.isdigit():
            config = self.store.version(record.id, int(wanted))
            if config is None:
                raise not_found(ref)
            return Resolved(record, ref, wanted, config, None)
        alias = self.store.alias(record.id, wanted)
        if alias is None:
            raise not_found(ref)
        version = _route(alias)
        config = record.config if version == LATEST else self.store.version(record.id, int(version))
        if config is None:
            raise not_found(ref)
        return Resolved(record, ref, version, config, wanted)

    def code_dir(self, config: dict[str, Any]) -> Path:
        key: str = config["_CodeKey"]
        target = self.code_root / key
        if target.is_dir():
            return target
        zip_bytes = self.store.code(key)
        if zip_bytes is None:
            raise ResourceNotFoundException("Function code not found")
        return unpack(self.code_root, key, zip_bytes)

    async def invoke(self, account: str, region: str, function_name: str, payload: bytes,
                     qualifier: str | None = None, *, invocation_type: str = "RequestResponse",
                     log_type: str | None = None, client_context: str | None = None,
                     request_id: str | None = None) -> InvokeResult:
        """Invoke a function from inside the server; raises the AwsErrors Invoke returns
        (ResourceNotFoundException, TooManyRequestsException, ...). `request_id` is the
        invocation's id (the Invoke request's, as on AWS; an Event invocation keeps it across
        its retries); None makes a new one."""
        started = time.monotonic()
        try:
            result = await invoker.invoke(self, account, region, function_name, payload,
                                          qualifier, invocation_type=invocation_type,
                                          log_type=log_type, client_context=client_context,
                                          request_id=request_id)
        except AwsError as error:
            self._announce(account, region, function_name, invocation_type, started,
                           error=error.code)
            raise
        self._announce(account, region, function_name, invocation_type, started,
                       status=result.status, functionError=result.function_error,
                       requestId=result.request_id)
        return result

    def _announce(self, account: str, region: str, function_name: str, invocation_type: str,
                  started: float, **fields: object) -> None:
        if self.publish is not ignore:
            self.publish("invocation", {
                "account": account, "region": region, "function": function_name,
                "type": invocation_type, "at": self.clock.now(),
                "durationMs": round((time.monotonic() - started) * 1000, 3), **fields})

    def close(self) -> None:
        if self._temporary:
            shutil.rmtree(self.code_root, ignore_errors=True)
