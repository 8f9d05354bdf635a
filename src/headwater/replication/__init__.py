"""Global tables replication (issue 14; aws-facts §6): every change a replica's stream records
reaches every other replica asynchronously, applied through DynamoDB's shared write path with
last-writer-wins, from durable positions in each source stream."""
