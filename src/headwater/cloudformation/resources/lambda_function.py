"""AWS::Lambda::Function: Ref the function name; GetAtt Arn. Code.ZipFile (inline source, put
in `index.py` / `index.js` as CloudFormation does) or Code.S3Bucket/S3Key (handed to Lambda,
which reads it from S3 when this server serves S3). Updated in place with
UpdateFunctionCode, UpdateFunctionConfiguration, Put/DeleteFunctionConcurrency and tags; a
FunctionName change replaces it."""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

from headwater.cloudformation.resources.base import Api, Outcome, ignore_missing, tags_map

CONFIGURATION = ("Role", "Handler", "Runtime", "Description", "Timeout", "MemorySize",
                 "Environment", "DeadLetterConfig", "TracingConfig", "Layers",
                 "EphemeralStorage", "LoggingConfig", "VpcConfig", "FileSystemConfigs",
                 "ImageConfig", "SnapStart")
RENAMED = {"KmsKeyArn": "KMSKeyArn"}
CODE_MEMBERS = ("S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri", "SourceKMSKeyArn")
CREATE_ONLY_MEMBERS = ("Architectures", "PackageType", "CodeSigningConfigArn")


def code_of(code: dict[str, Any], runtime: str | None) -> dict[str, Any]:
    """The Code member of CreateFunction/UpdateFunctionCode for a template's Code."""
    if "ZipFile" in code:
        return {"ZipFile": _inline_zip(str(code["ZipFile"]), runtime or "")}
    return {key: code[key] for key in CODE_MEMBERS if key in code}


def _inline_zip(source: str, runtime: str) -> str:
    name = ("index.py" if runtime.startswith("python") else
            "index.js" if runtime.startswith("nodejs") else "index")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    return base64.b64encode(buffer.getvalue()).decode()


def _configuration(properties: dict[str, Any]) -> dict[str, Any]:
    out = {key: properties[key] for key in CONFIGURATION if key in properties}
    for template_name, api_name in RENAMED.items():
        if template_name in properties:
            out[api_name] = properties[template_name]
    return out


class LambdaFunction:
    replace_on: frozenset[str] = frozenset()

    async def create(self, api: Api, properties: dict[str, Any]) -> Outcome:
        name = properties.get("FunctionName") or api.name(64)
        request: dict[str, Any] = {
            "FunctionName": name, **_configuration(properties),
            "Code": code_of(properties.get("Code") or {}, properties.get("Runtime")),
            "Publish": False}
        for member in CREATE_ONLY_MEMBERS:
            if member in properties:
                request[member] = properties[member]
        if properties.get("Tags"):
            request["Tags"] = tags_map(properties["Tags"])
        created = await api("lambda", "CreateFunction", request)
        if "ReservedConcurrentExecutions" in properties:
            await api("lambda", "PutFunctionConcurrency", {
                "FunctionName": name,
                "ReservedConcurrentExecutions": properties["ReservedConcurrentExecutions"]})
        return Outcome(name, {"Arn": created["FunctionArn"]})

    async def update(self, api: Api, physical_id: str, old: dict[str, Any],
                     new: dict[str, Any], attributes: dict[str, Any]) -> Outcome:
        name = physical_id
        if old.get("Code") != new.get("Code") or (
                "ZipFile" in (new.get("Code") or {}) and old.get("Runtime") != new.get("Runtime")):
            await api("lambda", "UpdateFunctionCode", {
                "FunctionName": name, **code_of(new.get("Code") or {}, new.get("Runtime"))})
        before, after = _configuration(old), _configuration(new)
        if before != after:
            change = dict(after)
            for key in before.keys() - after.keys():
                if _cleared(key) is not None:
                    change[key] = _cleared(key)
            await api("lambda", "UpdateFunctionConfiguration", {"FunctionName": name, **change})
        if old.get("ReservedConcurrentExecutions") != new.get("ReservedConcurrentExecutions"):
            if "ReservedConcurrentExecutions" in new:
                await api("lambda", "PutFunctionConcurrency", {
                    "FunctionName": name,
                    "ReservedConcurrentExecutions": new["ReservedConcurrentExecutions"]})
            else:
                await api("lambda", "DeleteFunctionConcurrency", {"FunctionName": name})
        old_tags, new_tags = tags_map(old.get("Tags")), tags_map(new.get("Tags"))
        if old_tags != new_tags:
            arn = attributes["Arn"]
            gone = [key for key in old_tags if key not in new_tags]
            if gone:
                await api("lambda", "UntagResource", {"Resource": arn, "TagKeys": gone})
            if new_tags:
                await api("lambda", "TagResource", {"Resource": arn, "Tags": new_tags})
        return Outcome(name, attributes)

    async def delete(self, api: Api, physical_id: str, properties: dict[str, Any]) -> None:
        await ignore_missing(api, "lambda", "DeleteFunction", {"FunctionName": physical_id},
                             "ResourceNotFoundException")


def _cleared(member: str) -> Any:
    """What UpdateFunctionConfiguration takes to remove a setting the template dropped."""
    return {"Environment": {"Variables": {}}, "DeadLetterConfig": {"TargetArn": ""},
            "Layers": [], "Description": "", "Timeout": 3, "MemorySize": 128,
            "TracingConfig": {"Mode": "PassThrough"},
            "EphemeralStorage": {"Size": 512}}.get(member)
