"""SQS: queues and messages, durable in the database, enough to be Lambda failure destinations."""
