"""Function names, qualified names and ARNs (`fn`, `fn:alias`, `fn:3`, `123456789012:function:fn`,
`arn:aws:lambda:us-east-1:123456789012:function:fn:alias`), resolved the same way everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

from headwater.functions.errors import InvalidParameterValueException

LATEST = "$LATEST"
_NAME = re.compile(
    r"(?:arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"|(?P<partial>\d{12}):function:)?(?P<name>[a-zA-Z0-9_-]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?"
)


@dataclass(frozen=True, slots=True)
class FunctionRef:
    account: str
    region: str
    name: str
    qualifier: str | None


def function_arn(region: str, account: str, name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def parse(account: str, region: str, function_name: str,
          qualifier: str | None = None) -> FunctionRef:
    """Split a FunctionName into (account, region, name, qualifier); a Qualifier parameter must
    agree with one derived from the name."""
    found = _NAME.fullmatch(function_name)
    if found is None:
        raise InvalidParameterValueException(f"Function name {function_name} is invalid.")
    derived = found["qualifier"]
    if derived and qualifier and derived != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    return FunctionRef(
        found["account"] or found["partial"] or account,
        found["region"] or region,
        found["name"],
        derived or qualifier or None,
    )
