"""Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s): asynchronous invocation settings
(retry attempts, event age, destinations) per function and qualifier, applied by
event_queue.py. Messages follow LocalStack's AWS-recorded snapshots
(tests/aws/services/lambda_/test_lambda_api.py, TestLambdaEventInvokeConfig).

Deviation: EventBridge buses and S3 buckets are refused as destinations (Headwater has
neither service) with InvalidParameterValueException, rather than accepted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.functions import roles
from headwater.functions.context import RequestContext
from headwater.functions.errors import InvalidParameterValueException, ResourceNotFoundException
from headwater.functions.names import LATEST, function_arn, parse
from headwater.functions.paging import page
from headwater.functions.registry import Functions
from headwater.functions.store import FunctionRecord

SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
KINDS = ("OnSuccess", "OnFailure")
UNSUPPORTED = {"events": "EventBridge event buses", "s3": "S3 buckets"}


def put_function_event_invoke_config(ctx: RequestContext,
                                     request: dict[str, Any]) -> dict[str, Any]:
    """Replace the settings: members left out are removed."""
    _check_some(request)
    functions, record, qualifier = _target(ctx, request)
    _check_destinations(functions, record, request.get("DestinationConfig"))
    _check_role_sends(ctx, record, request.get("DestinationConfig"))
    config = {k: request[k] for k in SETTINGS if request.get(k) is not None}
    return _save(ctx, functions, record, qualifier, config)


def update_function_event_invoke_config(ctx: RequestContext,
                                        request: dict[str, Any]) -> dict[str, Any]:
    """Change only the settings given."""
    _check_some(request)
    functions, record, qualifier = _target(ctx, request)
    config = _existing(functions, record, qualifier)
    _check_destinations(functions, record, request.get("DestinationConfig"))
    _check_role_sends(ctx, record, request.get("DestinationConfig"))
    config.update({k: request[k] for k in SETTINGS if request.get(k) is not None})
    return _save(ctx, functions, record, qualifier, config)


def get_function_event_invoke_config(ctx: RequestContext,
                                     request: dict[str, Any]) -> dict[str, Any]:
    functions, record, qualifier = _target(ctx, request, missing=_no_config)
    return response(record, qualifier, _existing(functions, record, qualifier))


def delete_function_event_invoke_config(ctx: RequestContext,
                                        request: dict[str, Any]) -> dict[str, Any]:
    functions, record, qualifier = _target(ctx, request, missing=_no_config)
    _existing(functions, record, qualifier)
    functions.store.delete_invoke_config(record.id, qualifier)
    return {}


def list_function_event_invoke_configs(ctx: RequestContext,
                                       request: dict[str, Any]) -> dict[str, Any]:
    functions, record, _ = _target(ctx, request)
    configs = [response(record, qualifier, config)
               for qualifier, config in functions.store.invoke_configs(record.id)]
    return page(configs, request, "FunctionEventInvokeConfigs")


def response(record: FunctionRecord, qualifier: str, config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LastModified": config["LastModified"],
        "FunctionArn": function_arn(record.region, record.account, record.name, qualifier),
    }
    for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if key in config:
            out[key] = config[key]
    destinations = config.get("DestinationConfig") or {}
    # AWS always answers both kinds, empty when unset.
    out["DestinationConfig"] = {kind: _destination(destinations, kind) for kind in KINDS}
    return out


def _destination(destinations: dict[str, Any], kind: str) -> dict[str, str]:
    arn = (destinations.get(kind) or {}).get("Destination")
    return {"Destination": arn} if arn else {}


def _save(ctx: RequestContext, functions: Functions, record: FunctionRecord, qualifier: str,
          config: dict[str, Any]) -> dict[str, Any]:
    config["LastModified"] = ctx.runtime.clock.now()
    if "DestinationConfig" in config:
        destinations = config["DestinationConfig"]
        config["DestinationConfig"] = {kind: _destination(destinations, kind) for kind in KINDS}
    functions.store.put_invoke_config(record.id, qualifier, config)
    return response(record, qualifier, config)


def _check_some(request: dict[str, Any]) -> None:
    if all(request.get(k) is None for k in SETTINGS):
        raise InvalidParameterValueException(
            "You must specify at least one of error handling or destination setting.")


def _function_missing(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException("The function doesn't exist.")


def _no_config(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"The function {arn} doesn't have an EventInvokeConfig")


def _target(ctx: RequestContext, request: dict[str, Any], *,
            missing: Callable[[str], ResourceNotFoundException] = _function_missing,
            ) -> tuple[Functions, FunctionRecord, str]:
    """The function and qualifier ($LATEST when none) the request names, which must exist."""
    functions: Functions = ctx.runtime.functions
    ref = parse(ctx.account, ctx.region, request["FunctionName"], request.get("Qualifier"))
    qualifier = ref.qualifier or LATEST
    record = functions.store.get(ref.account, ref.region, ref.name)
    if record is None or not _qualifier_exists(functions, record, qualifier):
        raise missing(function_arn(ref.region, ref.account, ref.name, qualifier))
    return functions, record, qualifier


def _qualifier_exists(functions: Functions, record: FunctionRecord, qualifier: str) -> bool:
    if qualifier == LATEST:
        return True
    if qualifier.isdigit():
        return functions.store.version(record.id, int(qualifier)) is not None
    return functions.store.alias(record.id, qualifier) is not None


def _existing(functions: Functions, record: FunctionRecord, qualifier: str) -> dict[str, Any]:
    config = functions.store.invoke_config(record.id, qualifier)
    if config is None:
        raise _no_config(function_arn(record.region, record.account, record.name, qualifier))
    return config


def _check_role_sends(ctx: RequestContext, record: FunctionRecord,
                      destinations: dict[str, Any] | None) -> None:
    """Under --enforce-iam the execution role must be allowed to send there (roles.py)."""
    for kind in KINDS:
        roles.check_destination(ctx, record.config.get("Role", ""),
                                _destination(destinations or {}, kind).get("Destination"))


def _check_destinations(functions: Functions, record: FunctionRecord,
                        destinations: dict[str, Any] | None) -> None:
    """SQS queues, SNS topics and other functions (which must exist, and not be this one)."""
    if not destinations:
        return
    arns = {kind: _destination(destinations, kind).get("Destination") for kind in KINDS}
    invalid = False
    for arn in arns.values():
        if not arn:
            continue
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service in UNSUPPORTED:
            raise InvalidParameterValueException(
                f"Headwater does not support {UNSUPPORTED[service]} as destinations: {arn}")
        if service == "lambda":
            _check_function_destination(functions, record, arn)
        elif service not in ("sqs", "sns"):
            invalid = True
    if invalid:
        parts = {kind: f"{kind}(destination={arn})" if arn else "null"
                 for kind, arn in arns.items()}
        raise InvalidParameterValueException(
            f"The provided destination config DestinationConfig(onSuccess={parts['OnSuccess']}, "
            f"onFailure={parts['OnFailure']}) is invalid.")


def _check_function_destination(functions: Functions, record: FunctionRecord, arn: str) -> None:
    try:
        ref = parse(record.account, record.region, arn)
    except InvalidParameterValueException:
        raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")
    if functions.store.get(ref.account, ref.region, ref.name) is None:
        raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")
    if (ref.account, ref.region, ref.name) == (record.account, record.region, record.name):
        raise InvalidParameterValueException(
            "You can't specify the function as a destination for itself.")
