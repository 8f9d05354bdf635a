"""AWS::Logs::LogGroup and AWS::CloudWatch::Alarm: created, updated in place (the alarm's
threshold), replaced (a new alarm name), deleted; Ref and GetAtt Arn."""

from __future__ import annotations

from typing import Any

from stack_support import failures

MONITORING = """
Parameters:
  Threshold: {Type: Number, Default: 5}
  Name: {Type: String}
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties: {RetentionInDays: 7}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: !Ref Name
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: some-function}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: !Ref Threshold
      ComparisonOperator: GreaterThanThreshold
Outputs:
  Group: {Value: !Ref Group}
  GroupArn: {Value: !GetAtt Group.Arn}
  Alarm: {Value: !Ref Alarm}
  AlarmArn: {Value: !GetAtt Alarm.Arn}
"""


def _params(**values: str) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def test_monitoring_resources(stacks: Any, endpoint: Any, unique: Any) -> None:
    from server_support import client
    cloudwatch = client("cloudwatch", endpoint)
    first = unique("alarm")
    stack = stacks.create(MONITORING, Parameters=_params(Name=first))
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    name = stack["StackName"]
    out = stacks.outputs(stack)
    assert out["Group"].startswith(f"{name}-Group-")
    assert out["GroupArn"] == (f"arn:aws:logs:us-east-1:000000000000:log-group:"
                               f"{out['Group']}:*")
    alarm = cloudwatch.describe_alarms(AlarmNames=[first])["MetricAlarms"][0]
    assert (out["Alarm"], out["AlarmArn"], alarm["Threshold"]) == (first, alarm["AlarmArn"],
                                                                    5.0)
    updated = stacks.update(name, MONITORING, Parameters=_params(Name=first, Threshold="9"))
    assert updated["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, updated["StackId"])
    assert cloudwatch.describe_alarms(AlarmNames=[first])["MetricAlarms"][0][
        "Threshold"] == 9.0
    second = unique("alarm")
    replaced = stacks.update(name, MONITORING, Parameters=_params(Name=second, Threshold="9"))
    assert replaced["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, replaced["StackId"])
    assert cloudwatch.describe_alarms(AlarmNames=[first])["MetricAlarms"] == []
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"
    assert cloudwatch.describe_alarms(AlarmNames=[second])["MetricAlarms"] == []
