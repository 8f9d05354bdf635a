"""Alarm evaluation rules (CloudWatch User Guide, "Evaluating an alarm" and "Configuring how
CloudWatch alarms treat missing data"), table-driven over M of N and TreatMissingData."""

from __future__ import annotations

import pytest

from headwater.cloudwatch.alarms import composite, metric_math
from headwater.cloudwatch.alarms.evaluation import Rule, evaluate
from headwater.cloudwatch.errors import InvalidParameterValueException

KEEP = None  # "Retain current state"


def points(pattern: str) -> list[tuple[float, float | None]]:
    """'0 - X' oldest first: 0 not breaching, X breaching, - missing; one period a minute."""
    values = {"0": 0.0, "X": 5.0, "-": None}
    return [(60.0 * i, values[mark]) for i, mark in enumerate(pattern.split())]


# The guide's table for EvaluationPeriods 3, DatapointsToAlarm 3 over a 5-period range.
GUIDE = [
    ("0 - X - X", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    ("- - - - 0", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    ("- - - - -", {"missing": "INSUFFICIENT_DATA", "ignore": KEEP, "breaching": "ALARM",
                   "notBreaching": "OK"}),
    ("0 X X - X", {"missing": "ALARM", "ignore": "ALARM", "breaching": "ALARM",
                   "notBreaching": "ALARM"}),
    ("- - X - -", {"missing": "ALARM", "ignore": KEEP, "breaching": "ALARM",
                   "notBreaching": "OK"}),
]


@pytest.mark.parametrize(("pattern", "treat", "expected"), [
    (pattern, treat, state) for pattern, states in GUIDE for treat, state in states.items()])
def test_missing_data_table(pattern: str, treat: str, expected: str | None) -> None:
    rule = Rule("GreaterThanThreshold", 1.0, 3, 3, treat)
    assert evaluate(rule, points(pattern)).state == expected


@pytest.mark.parametrize(("pattern", "m", "n", "expected"), [
    ("- - X 0 X", 2, 3, "ALARM"),  # 2 of the last 3 breach
    ("- - X 0 0", 2, 3, "OK"),
    ("X X 0 0 X", 2, 3, "OK"),  # only the N most recent real datapoints count
    ("- - - - X", 1, 1, "ALARM"),
    ("- - - X 0", 1, 1, "OK"),
    ("- X X X X X", 5, 5, "ALARM"),
    ("- 0 X X X X", 5, 5, "OK"),
])
def test_m_out_of_n(pattern: str, m: int, n: int, expected: str) -> None:
    assert evaluate(Rule("GreaterThanThreshold", 1.0, n, m, "notBreaching"),
                    points(pattern)).state == expected


@pytest.mark.parametrize(("comparison", "value", "breaching"), [
    ("GreaterThanThreshold", 1.0, False), ("GreaterThanThreshold", 1.5, True),
    ("GreaterThanOrEqualToThreshold", 1.0, True), ("GreaterThanOrEqualToThreshold", 0.5, False),
    ("LessThanThreshold", 1.0, False), ("LessThanThreshold", 0.5, True),
    ("LessThanOrEqualToThreshold", 1.0, True), ("LessThanOrEqualToThreshold", 1.5, False),
])
def test_comparison_operators(comparison: str, value: float, breaching: bool) -> None:
    outcome = evaluate(Rule(comparison, 1.0, 1, 1), [(0.0, value)])
    assert outcome.state == ("ALARM" if breaching else "OK")


def test_reason_text_as_aws_writes_it() -> None:
    moment = 1796493600.0  # 05/12/26 18:00:00 UTC
    alarm = evaluate(Rule("GreaterThanThreshold", 1.0, 1, 1), [(moment, 5.0)])
    assert alarm.reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (05/12/26 18:00:00)] was "
        "greater than the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).")
    ok = evaluate(Rule("GreaterThanOrEqualToThreshold", 3.0, 3, 2, "notBreaching"),
                  [(moment, 0.0), (moment + 60, 4.0), (moment + 120, 1.0)])
    assert ok.reason == (
        "Threshold Crossed: 2 out of the last 3 datapoints [1.0 (05/12/26 18:02:00), 4.0 "
        "(05/12/26 18:01:00), 0.0 (05/12/26 18:00:00)] were not greater than or equal to the "
        "threshold (3.0) (minimum 2 datapoints for ALARM -> OK transition).")


@pytest.mark.parametrize(("treat", "reason"), [
    ("breaching", "Threshold Crossed: no datapoints were received for 2 periods and 2 missing "
                  "datapoints were treated as [Breaching]."),
    ("notBreaching", "Threshold Crossed: no datapoints were received for 2 periods and 2 "
                     "missing datapoints were treated as [NonBreaching]."),
    ("missing", "Insufficient Data: 2 datapoints were unknown."),
])
def test_reason_without_datapoints(treat: str, reason: str) -> None:
    assert evaluate(Rule("GreaterThanThreshold", 1.0, 2, 2, treat),
                    points("- - - -")).reason == reason


@pytest.mark.parametrize(("rule", "states", "firing"), [
    ('ALARM("a") OR ALARM("b")', {"a": "OK", "b": "ALARM"}, True),
    ('ALARM("a") AND ALARM(b)', {"a": "ALARM", "b": "OK"}, False),
    ("NOT OK(a) AND (ALARM(b) OR TRUE)", {"a": "INSUFFICIENT_DATA"}, True),
    ('INSUFFICIENT_DATA("arn:aws:cloudwatch:us-east-1:1:alarm:a")',
     {"a": "INSUFFICIENT_DATA"}, True),
    ("FALSE OR ALARM(a) AND ALARM(b)", {"a": "ALARM", "b": "OK"}, False),
    ("ALARM(my-alarm.1) AND OK(b)", {"my-alarm.1": "ALARM", "b": "OK"}, True),
])
def test_composite_rules(rule: str, states: dict[str, str], firing: bool) -> None:
    assert composite.evaluate(rule, states) is firing


@pytest.mark.parametrize("rule", ["ALARM(a", "ALARM(a) XOR ALARM(b)", "SOMETHING(a)", ""])
def test_composite_rule_errors(rule: str) -> None:
    with pytest.raises(InvalidParameterValueException):
        composite.names(rule)


def test_alarm_expressions_are_checked_when_put() -> None:
    metric_math.check("100 * e / i", ["e", "i"])
    metric_math.check("ANOMALY_DETECTION_BAND(e, 3)", ["e"])
    for expression, message in [
        ("e +", "Error in expression 'e +': Unexpected end of expression"),
        ("x * 2", "Invalid metrics list: unknown id x in expression x * 2."),
        ("SEARCH('{AWS/Lambda} Errors', 'Sum', 60)", "SEARCH is not supported on Metric Alarms."),
        ("NOPE(e)", "Error in expression 'NOPE(e)': Unknown function NOPE"),
    ]:
        with pytest.raises(InvalidParameterValueException) as caught:
            metric_math.check(expression, ["e"])
        assert caught.value.message == message
