"""Metric math for alarms (the Metrics member's Expression): the same grammar and functions as
GetMetricData (expressions/), checked when the alarm is put and evaluated over the alarm's
evaluation range at each sweep. SEARCH is refused, as AWS refuses it in alarms ("You can't
create an alarm based on a SEARCH expression")."""

from __future__ import annotations

from collections.abc import Sequence

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.expressions.functions import FUNCTIONS, KEYWORDS, REFUSED
from headwater.cloudwatch.expressions.syntax import ExpressionError, calls, names, parse

ALLOWED = frozenset(FUNCTIONS) | {"METRICS", "ANOMALY_DETECTION_BAND"}


def check(expression: str, ids: Sequence[str]) -> None:
    """Raise InvalidParameterValue for an expression an alarm cannot evaluate."""
    try:
        tree = parse(expression)
    except ExpressionError as error:
        raise InvalidParameterValueException(
            f"Error in expression '{expression}': {error}") from None
    for name in sorted(names(tree)):
        if name not in ids and name not in KEYWORDS:
            raise InvalidParameterValueException(
                f"Invalid metrics list: unknown id {name} in expression {expression}.")
    for function in sorted(calls(tree)):
        if function == "SEARCH":
            raise InvalidParameterValueException(
                "SEARCH is not supported on Metric Alarms.")
        if function in REFUSED:
            raise InvalidParameterValueException(
                f"Error in expression '{expression}': Headwater does not support {function}: "
                f"it reads {REFUSED[function]}, which Headwater does not have")
        if function not in ALLOWED:
            raise InvalidParameterValueException(
                f"Error in expression '{expression}': Unknown function {function}")
