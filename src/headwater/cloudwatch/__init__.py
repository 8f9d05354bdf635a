"""CloudWatch metrics, enough for dashboards and the aws CLI: ListMetrics,
GetMetricStatistics and GetMetricData over metrics Headwater emits itself."""
