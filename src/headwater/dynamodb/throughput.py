"""Billing mode and provisioned throughput rules shared by CreateTable and UpdateTable."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
MAX_UNITS = 1_000_000_000_000


def check_throughput(billing_mode: str, throughput: dict[str, Any] | None) -> None:
    if billing_mode == "PAY_PER_REQUEST":
        if throughput:
            raise ValidationException(
                f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return
    if not throughput:
        raise ValidationException(
            f"{INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            "BillingMode is PROVISIONED"
        )
    for name in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput[name] > MAX_UNITS:
            raise ValidationException(f"Given value {throughput[name]} for {name} is out of bounds")


def throughput_description(billing_mode: str, throughput: dict[str, Any] | None) -> dict[str, Any]:
    if billing_mode == "PAY_PER_REQUEST" or not throughput:
        return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": throughput["ReadCapacityUnits"],
        "WriteCapacityUnits": throughput["WriteCapacityUnits"],
    }
