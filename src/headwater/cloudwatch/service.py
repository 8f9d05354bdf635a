"""CloudWatch's operations by name (botocore model `cloudwatch`)."""

from __future__ import annotations

from headwater.cloudwatch.operations.get_metric_data import get_metric_data
from headwater.cloudwatch.operations.get_metric_statistics import get_metric_statistics
from headwater.cloudwatch.operations.list_metrics import list_metrics
from headwater.cloudwatch.operations.put_metric_data import put_metric_data

TARGET_PREFIX = "GraniteServiceVersion20100801"
OPERATIONS = {
    "GetMetricData": get_metric_data,
    "GetMetricStatistics": get_metric_statistics,
    "ListMetrics": list_metrics,
    "PutMetricData": put_metric_data,
}
