"""CloudWatch's operations by name (botocore model `cloudwatch`)."""

from __future__ import annotations

from headwater.cloudwatch.operations.alarm_actions import (
    disable_alarm_actions,
    enable_alarm_actions,
)
from headwater.cloudwatch.operations.alarm_tags import (
    list_tags_for_resource,
    tag_resource,
    untag_resource,
)
from headwater.cloudwatch.operations.delete_alarms import delete_alarms
from headwater.cloudwatch.operations.delete_anomaly_detector import delete_anomaly_detector
from headwater.cloudwatch.operations.describe_alarm_history import describe_alarm_history
from headwater.cloudwatch.operations.describe_alarms import describe_alarms
from headwater.cloudwatch.operations.describe_alarms_for_metric import (
    describe_alarms_for_metric,
)
from headwater.cloudwatch.operations.describe_anomaly_detectors import (
    describe_anomaly_detectors,
)
from headwater.cloudwatch.operations.get_metric_data import get_metric_data
from headwater.cloudwatch.operations.get_metric_statistics import get_metric_statistics
from headwater.cloudwatch.operations.list_metrics import list_metrics
from headwater.cloudwatch.operations.put_anomaly_detector import put_anomaly_detector
from headwater.cloudwatch.operations.put_composite_alarm import put_composite_alarm
from headwater.cloudwatch.operations.put_metric_alarm import put_metric_alarm
from headwater.cloudwatch.operations.put_metric_data import put_metric_data
from headwater.cloudwatch.operations.set_alarm_state import set_alarm_state

TARGET_PREFIX = "GraniteServiceVersion20100801"
OPERATIONS = {
    "DeleteAlarms": delete_alarms,
    "DeleteAnomalyDetector": delete_anomaly_detector,
    "DescribeAlarmHistory": describe_alarm_history,
    "DescribeAlarms": describe_alarms,
    "DescribeAlarmsForMetric": describe_alarms_for_metric,
    "DescribeAnomalyDetectors": describe_anomaly_detectors,
    "DisableAlarmActions": disable_alarm_actions,
    "EnableAlarmActions": enable_alarm_actions,
    "GetMetricData": get_metric_data,
    "GetMetricStatistics": get_metric_statistics,
    "ListMetrics": list_metrics,
    "ListTagsForResource": list_tags_for_resource,
    "PutAnomalyDetector": put_anomaly_detector,
    "PutCompositeAlarm": put_composite_alarm,
    "PutMetricAlarm": put_metric_alarm,
    "PutMetricData": put_metric_data,
    "SetAlarmState": set_alarm_state,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
}
