"""CloudWatch alarms (issue 15): metric and composite alarms, their evaluation on the project
clock, their history and their SNS / Lambda actions."""
