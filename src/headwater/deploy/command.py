"""`headwater deploy` put together: read and package the template, then deploy or delete, and
print the outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import orjson

from headwater.cloudformation.template.loading import load
from headwater.deploy.artifact_bucket import ArtifactBucket
from headwater.deploy.artifacts import PackagingError, package
from headwater.deploy.stacks import DeployFailed, delete, deploy
from headwater.local_clients import local_client, resolve_region
from headwater.wire.errors import AwsError


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    """'K=V K2=V2' strings (or one pair each) as a dict; ValueError naming a bad one."""
    found: dict[str, str] = {}
    for value in values:
        for pair in value.split():
            key, equals, rest = pair.partition("=")
            if not equals or not key:
                raise ValueError(f"--parameter-overrides takes K=V pairs, not {pair!r}")
            found[key] = rest
    return found


def run_deploy(template_path: Path, stack_name: str | None, overrides: tuple[str, ...],
               removing: bool, timeout: float, endpoint: str, region: str | None,
               profile: str | None, echo: Callable[[str], None],
               fail: Callable[[str], NoReturn]) -> None:
    region = resolve_region(region, profile)
    stack = stack_name or template_path.resolve().parent.name
    cfn = local_client("cloudformation", endpoint, region, profile)
    started = time.monotonic()
    try:
        if removing:
            delete(cfn, stack, echo, timeout)
            echo(f"Deleted stack {stack} ({time.monotonic() - started:.2f} s)")
            return
        if not template_path.is_file():
            fail(f"{template_path}: no such template")
        body = template_path.read_text()
        try:
            template = load(body)
        except AwsError as error:
            fail(f"{template_path}: {error.message}")
        bucket = ArtifactBucket(local_client("s3", endpoint, region, profile),
                                local_client("sts", endpoint, region, profile), region, stack)
        packaged = package(template, template_path.resolve().parent, bucket.upload)
        for uploaded in packaged.uploads:
            echo(f"Packaged code: {uploaded}")
        if packaged.uploads:
            body = orjson.dumps(packaged.template).decode()
        outcome = deploy(cfn, stack, body, packaged.template, parse_overrides(overrides),
                         echo, timeout)
    except (DeployFailed, PackagingError, ValueError) as error:
        fail(str(error))
    if not outcome.changed:
        echo(f"No changes to deploy. Stack {stack} is up to date")
    else:
        echo(f"Successfully deployed stack {stack}: {outcome.status} "
             f"({outcome.seconds:.2f} s)")
    if outcome.outputs:
        echo("Outputs:")
        for output in outcome.outputs:
            echo(f"  {output['OutputKey']:<28} {output['OutputValue']}")
