"""Stream triggers on a remote engine's DynamoDB Streams (issue 18; DESIGN.md principle 9): a
stream source that polls the public Streams API (`source.py`), and the lease coordinator that
shares the engine's shards among Headwater workers through a lease table on that same engine
(`coordinator.py`, `lease_table.py`, `balance.py`), in the Kinesis Client Library's model."""
