"""Building and checking a FunctionConfiguration (aws-facts §5.1): defaults, reserved
environment variables, role and runtime checks, timestamps and revision ids."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from headwater.functions.errors import InvalidParameterValueException, ValidationException
from headwater.functions.interpreters import PYTHON_RUNTIMES, RUNTIMES
from headwater.functions.node_runtimes import DEPRECATED_NODE, NODE_RUNTIMES, missing, node_for
from headwater.functions.settings import apply_extras

ROLE = re.compile(r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
DEPRECATED = ("python2.7", "python3.6", "python3.7", "python3.8", "provided", *DEPRECATED_NODE)
RESERVED_ENV = (
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
)
MAX_ENV_BYTES = 4096
DEFAULTS: dict[str, Any] = {
    "Description": "", "Timeout": 3, "MemorySize": 128, "Architectures": ["x86_64"],
    "EphemeralStorage": {"Size": 512}, "PackageType": "Zip",
    "TracingConfig": {"Mode": "PassThrough"},
    "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
}


def timestamp(epoch: float) -> str:
    """LastModified as Lambda shows it: 2024-01-01T00:00:00.000+0000."""
    millis = int(epoch * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{millis:03d}+0000"


def revision() -> str:
    return str(uuid.uuid4())


def check_role(role: str) -> None:
    if not ROLE.fullmatch(role):
        raise ValidationException(
            f"1 validation error detected: Value '{role}' at 'role' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {ROLE.pattern}")


def check_runtime(runtime: str) -> None:
    if runtime in DEPRECATED:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating "
            "AWS Lambda functions. We recommend you use a supported runtime while creating or "
            "updating functions.")
    if runtime not in RUNTIMES:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum "
            f"value set: [{', '.join(RUNTIMES)}] or be a valid ARN")
    if runtime in NODE_RUNTIMES and node_for(runtime) is None:
        raise InvalidParameterValueException(missing(runtime))


def check_environment(environment: dict[str, Any] | None) -> None:
    variables = (environment or {}).get("Variables") or {}
    reserved = [key for key in variables if key in RESERVED_ENV]
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not supported "
            f"for modification. Reserved keys used in this request: {', '.join(reserved)}")
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in variables.items())
    if size > MAX_ENV_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided exceeded the 4KB limit. String measured: "
            f"{size} bytes")


def check_handler_needed(runtime: str | None, handler: str | None) -> None:
    if runtime is None:
        raise InvalidParameterValueException("Runtime and Handler are mandatory parameters for "
                                             "functions created with deployment packages.")
    if handler is None and (runtime in PYTHON_RUNTIMES or runtime in NODE_RUNTIMES):
        raise InvalidParameterValueException("Runtime and Handler are mandatory parameters for "
                                             "functions created with deployment packages.")


def apply_settings(config: dict[str, Any], request: dict[str, Any]) -> None:
    """Copy the configurable members of a Create/UpdateFunctionConfiguration request (the
    refused ones were checked by settings.check_unsupported)."""
    for key in ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime",
                "TracingConfig", "EphemeralStorage", "Architectures"):
        if key in request:
            config[key] = request[key]
    if "Environment" in request:
        variables = (request["Environment"] or {}).get("Variables") or {}
        if variables:
            config["Environment"] = {"Variables": dict(variables)}
        else:
            config.pop("Environment", None)
    apply_extras(config, request)
