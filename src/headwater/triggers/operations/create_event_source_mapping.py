"""CreateEventSourceMapping for DynamoDB stream sources (aws-facts §3.2-3.4); returns 202 with
State "Creating". StartingPosition LATEST means records appended after this call returns.
Under --enforce-iam the stream may be another account's, when its resource policy and the
function role's own policy both allow the stream actions (issue 13 §5). With `serve
--stream-endpoint`, a stream ARN that is not this server's names the remote engine's stream
(issue 18): it is not looked up here (the role check still applies to its ARN)."""

from __future__ import annotations

from typing import Any

from headwater.core.ids import new_uuid
from headwater.triggers import checks, functions_ref, role_checks
from headwater.triggers.context import RequestContext
from headwater.triggers.errors import InvalidParameterValueException, ResourceConflictException
from headwater.triggers.model import CREATING, DEFAULTS, NO_RECORDS, OPTIONAL, Mapping


def create_event_source_mapping(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    source_arn = checks.check_source(request)
    checks.check_starting_position(request, source_arn)
    checks.check_settings(request)
    function_arn = functions_ref.resolve(ctx, request["FunctionName"])
    runtime = ctx.runtime
    stream = runtime.streams.by_arn.get(source_arn)
    remote = stream is None and runtime.stream_endpoint is not None  # triggers/remote/
    if not remote and (stream is None or stream.region != ctx.region or (
            stream.account != ctx.account and not runtime.authority.enforcing)):
        # Another account's stream is reachable only under --enforce-iam, where its
        # resource policy may allow the function's role (role_checks.check_role below).
        raise InvalidParameterValueException(f"Stream not found: {source_arn}")
    triggers = runtime.triggers
    _check_unique(triggers.of_account(ctx.account, ctx.region), source_arn, function_arn,
                  request["FunctionName"])
    now = round(runtime.clock.now(), 3)
    config = settings_from(request, dict(DEFAULTS))
    config["StartingPosition"] = request["StartingPosition"]
    role_checks.check_role(runtime.authority, ctx.account,
                           lambda: runtime.functions.role_of(function_arn), source_arn, config)
    latest = request["StartingPosition"] == "LATEST"
    mapping = Mapping(
        uuid=new_uuid(), account=ctx.account, region=ctx.region, function_arn=function_arn,
        source_arn=source_arn, config=config, state=CREATING, last_modified=now,
        last_result=NO_RECORDS, start_after=triggers.source.position_now() if latest else 0,
        created=now, enabled=bool(request.get("Enabled", True)),
    )
    triggers.save(mapping, new=True)
    return mapping.response()


def settings_from(request: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """`config` with the request's settings applied, stored exactly as given."""
    for name in (*DEFAULTS, *OPTIONAL):
        if name in request:
            config[name] = request[name]
    if "DestinationConfig" in request:
        config["DestinationConfig"] = {"OnFailure": dict(request["DestinationConfig"].get(
            "OnFailure") or {})}
    return config


def _check_unique(mappings: list[Mapping], source_arn: str, function_arn: str,
                  function_name: str, ignore: str | None = None) -> None:
    for mapping in mappings:
        if mapping.uuid == ignore:
            continue
        if mapping.source_arn == source_arn and mapping.function_arn == function_arn:
            raise ResourceConflictException(
                f'The event source arn (" {source_arn} ") and function (" {function_name} ") '
                "provided mapping already exists. Please update or delete the existing mapping "
                f"with UUID {mapping.uuid}")


check_unique = _check_unique
