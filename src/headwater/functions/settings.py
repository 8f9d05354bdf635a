"""The CreateFunction / UpdateFunctionConfiguration members beyond the basics that config.py
copies: which are refused (a feature Headwater does not have), which are stored and echoed in
the FunctionConfiguration as AWS shows them (no local effect), and DeadLetterConfig, which
event_queue.py honours. A member is refused only when it asks for something: an empty list,
an empty structure or SnapStart ApplyOn None is accepted, as it changes nothing.

Echo shapes: FunctionConfiguration in the botocore lambda model; VpcConfig as API_VpcConfigResponse
(Deviation: VpcId is "", as AWS shows for no VPC, since Headwater cannot look subnets up)."""

from __future__ import annotations

from typing import Any

from headwater.functions.errors import InvalidParameterValueException

# Members that ask for a feature Headwater does not have: member -> what it is.
UNSUPPORTED = {
    "Layers": "Layers (package dependencies in the function's .zip file)",
    "FileSystemConfigs": "FileSystemConfigs (Amazon EFS file systems)",
    "ImageConfig": "ImageConfig (it configures container images; Headwater supports Zip "
                   "packages only)",
    "CodeSigningConfigArn": "CodeSigningConfigArn (code signing)",
    "PublishTo": "PublishTo (Lambda Managed Instances)",
    "TenancyConfig": "TenancyConfig (tenant isolation)",
    "CapacityProviderConfig": "CapacityProviderConfig (Lambda Managed Instances)",
    "DurableConfig": "DurableConfig (durable functions)",
    "RuntimeConfig": "RuntimeConfig (customer-managed runtimes)",
    "AcceleratorConfig": "AcceleratorConfig (accelerators)",
}
LOG_FORMAT = "Text"
DLQ_SERVICES = ("sqs", "sns")


def default_log_group(name: str) -> str:
    return f"/aws/lambda/{name}"


def log_group(config: dict[str, Any]) -> str:
    """Where the function's logs go: LoggingConfig.LogGroup, /aws/lambda/<name> by default."""
    group = (config.get("LoggingConfig") or {}).get("LogGroup")
    return group or default_log_group(config["FunctionName"])


def check_unsupported(request: dict[str, Any]) -> None:
    for member, feature in UNSUPPORTED.items():
        if request.get(member):
            raise InvalidParameterValueException(f"Headwater does not support {feature}.")
    if (request.get("SnapStart") or {}).get("ApplyOn", "None") != "None":
        raise InvalidParameterValueException(
            "Headwater does not support SnapStart; SnapStart.ApplyOn must be None.")
    logging = request.get("LoggingConfig") or {}
    if logging.get("LogFormat", LOG_FORMAT) != LOG_FORMAT:
        raise InvalidParameterValueException(
            "Headwater writes function logs as Text only; LoggingConfig.LogFormat "
            f"{logging['LogFormat']} is not supported.")
    for level in ("ApplicationLogLevel", "SystemLogLevel"):
        if level in logging:
            raise InvalidParameterValueException(
                f"Headwater does not support LoggingConfig.{level} (log levels need LogFormat "
                "JSON; Headwater writes function logs as Text only).")
    target = (request.get("DeadLetterConfig") or {}).get("TargetArn")
    if target:
        service = target.split(":")[2] if target.count(":") >= 5 else ""
        if service not in DLQ_SERVICES:
            raise InvalidParameterValueException(
                "Headwater supports SQS queues and SNS topics only as DeadLetterConfig."
                f"TargetArn: {target}")


def apply_extras(config: dict[str, Any], request: dict[str, Any]) -> None:
    """Store the accepted members so that Get/Update/CreateFunction echo them."""
    if "VpcConfig" in request:
        vpc = request["VpcConfig"] or {}
        config["VpcConfig"] = {
            "SubnetIds": list(vpc.get("SubnetIds") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or []),
            "VpcId": "",
            "Ipv6AllowedForDualStack": bool(vpc.get("Ipv6AllowedForDualStack", False)),
        }
    _set_or_clear(config, "KMSKeyArn", request.get("KMSKeyArn"), "KMSKeyArn" in request)
    if "DeadLetterConfig" in request:
        target = (request["DeadLetterConfig"] or {}).get("TargetArn")
        _set_or_clear(config, "DeadLetterConfig", {"TargetArn": target} if target else None,
                      True)
    if "LoggingConfig" in request:
        group = (request["LoggingConfig"] or {}).get("LogGroup")
        config["LoggingConfig"] = {
            "LogFormat": LOG_FORMAT,
            "LogGroup": group or default_log_group(config["FunctionName"]),
        }
    if "SnapStart" in request:
        config["SnapStart"] = {"ApplyOn": "None", "OptimizationStatus": "Off"}


def _set_or_clear(config: dict[str, Any], key: str, value: Any, given: bool) -> None:
    """An empty value (KMSKeyArn "", DeadLetterConfig TargetArn "") removes the setting."""
    if not given:
        return
    if value:
        config[key] = value
    else:
        config.pop(key, None)
