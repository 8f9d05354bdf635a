"""Alarm ARNs: arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME."""

from __future__ import annotations

from headwater.cloudwatch.errors import ResourceNotFoundException


def alarm_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}"


def name_from_arn(account: str, region: str, arn: str) -> str:
    """The alarm name in `arn`; raises ResourceNotFoundException for an ARN that cannot name an
    alarm of this account and region."""
    prefix = alarm_arn(account, region, "")
    if not arn.startswith(prefix) or len(arn) == len(prefix):
        raise ResourceNotFoundException(f"Resource {arn} not found.")
    return arn[len(prefix):]
