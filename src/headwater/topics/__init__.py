"""SNS: topics and SQS subscriptions, enough to be Lambda failure destinations."""
