"""The database schema as numbered migrations; `PRAGMA user_version` holds the applied count."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: DynamoDB tables and items. Keys are order-preserving encodings (dynamodb/keys.py), so
    # range conditions and ordering come from the primary-key index.
    """
    CREATE TABLE ddb_tables (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        description BLOB NOT NULL,
        UNIQUE (account, region, name)
    );
    CREATE TABLE ddb_items (
        table_id INTEGER NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        item BLOB NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, hk, rk)
    ) WITHOUT ROWID;
    """,
    # 2: DynamoDB Streams: streams, shards with lineage, and the records themselves. Sequence
    # numbers come from one global counter, so they grow within a shard and children exceed
    # parents.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    CREATE TABLE streams (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        table_name TEXT NOT NULL,
        arn TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        view_type TEXT NOT NULL,
        key_schema BLOB NOT NULL,
        shard_count INTEGER NOT NULL,
        created REAL NOT NULL,
        disabled_at REAL
    );
    CREATE INDEX streams_by_table ON streams (account, region, table_name);
    CREATE TABLE stream_shards (
        id INTEGER PRIMARY KEY,
        stream_id INTEGER NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
        shard_id TEXT NOT NULL,
        parent_shard_id TEXT,
        lane INTEGER NOT NULL,
        start_seq INTEGER NOT NULL,
        end_seq INTEGER,
        created REAL NOT NULL,
        trimmed_seq INTEGER NOT NULL DEFAULT 0,
        UNIQUE (stream_id, shard_id)
    );
    CREATE TABLE stream_records (
        shard INTEGER NOT NULL REFERENCES stream_shards (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        created REAL NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (shard, seq)
    ) WITHOUT ROWID;
    """,
    # 3: secondary index entries, maintained in each write's transaction. The projected item is
    # stored with the entry so index queries never touch the base table.
    """
    CREATE TABLE ddb_index_items (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        table_hk BLOB NOT NULL,
        table_rk BLOB NOT NULL,
        item BLOB NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, index_name, hk, rk, table_hk, table_rk)
    ) WITHOUT ROWID;
    """,
    # 4: Lambda functions ($LATEST config, published versions, aliases), code archives by
    # sha256, the durable queue of Event invocations, and function logs (CloudWatch Logs subset).
    """
    CREATE TABLE lambda_functions (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        config BLOB NOT NULL,
        tags BLOB NOT NULL,
        reserved INTEGER,
        UNIQUE (account, region, name)
    );
    CREATE TABLE lambda_versions (
        function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        config BLOB NOT NULL,
        PRIMARY KEY (function_id, version)
    ) WITHOUT ROWID;
    CREATE TABLE lambda_aliases (
        function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        config BLOB NOT NULL,
        PRIMARY KEY (function_id, name)
    ) WITHOUT ROWID;
    CREATE TABLE lambda_code (
        sha TEXT PRIMARY KEY,
        zip BLOB NOT NULL
    );
    CREATE TABLE lambda_event_queue (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        function TEXT NOT NULL,
        qualifier TEXT,
        payload BLOB NOT NULL,
        request_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL
    );
    CREATE TABLE log_streams (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        log_group TEXT NOT NULL,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        first_event INTEGER,
        last_event INTEGER,
        UNIQUE (account, region, log_group, name)
    );
    CREATE TABLE log_events (
        id INTEGER PRIMARY KEY,
        stream_id INTEGER NOT NULL REFERENCES log_streams (id) ON DELETE CASCADE,
        timestamp INTEGER NOT NULL,
        ingestion INTEGER NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp);
    """,
    # 5: event source mappings (stream triggers): the configuration as the API echoes it, the
    # state machine, and one durable checkpoint per (mapping, shard): the last processed sequence
    # number and whether the shard is finished (so its children may start).
    """
    CREATE TABLE esm_mappings (
        uuid TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        function_arn TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        config BLOB NOT NULL,
        state TEXT NOT NULL,
        last_modified REAL NOT NULL,
        last_result TEXT NOT NULL,
        start_after INTEGER NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX esm_by_source ON esm_mappings (account, region, source_arn);
    CREATE TABLE esm_checkpoints (
        uuid TEXT NOT NULL REFERENCES esm_mappings (uuid) ON DELETE CASCADE,
        shard_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        finished INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (uuid, shard_id)
    ) WITHOUT ROWID;
    """,
    # 6: SQS queues and messages, SNS topics and subscriptions (queues/, topics/). A message is
    # visible when visible_at <= now; a receive moves visible_at forward and renews the receipt.
    """
    CREATE TABLE sqs_queues (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        attributes BLOB NOT NULL,
        created REAL NOT NULL,
        modified REAL NOT NULL,
        purged REAL,
        UNIQUE (account, region, name)
    );
    CREATE TABLE sqs_messages (
        id INTEGER PRIMARY KEY,
        queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attributes BLOB,
        system BLOB,
        sent REAL NOT NULL,
        visible_at REAL NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_receive REAL,
        receipt TEXT
    );
    CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at, id);
    CREATE TABLE sns_topics (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL UNIQUE,
        attributes BLOB NOT NULL,
        UNIQUE (account, region, name)
    );
    CREATE TABLE sns_subscriptions (
        id INTEGER PRIMARY KEY,
        topic_id INTEGER NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
        arn TEXT NOT NULL UNIQUE,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        attributes BLOB NOT NULL
    );
    CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_id, id);
    """,
    # 7: tags on SQS queues and SNS topics (JSON objects, key -> value).
    """
    ALTER TABLE sqs_queues ADD COLUMN tags BLOB NOT NULL DEFAULT '{}';
    ALTER TABLE sns_topics ADD COLUMN tags BLOB NOT NULL DEFAULT '{}';
    """,
    # 8: SQS FIFO queues: each message's group, and the 5-minute deduplication window, which
    # outlives the deletion of the message it remembers.
    """
    ALTER TABLE sqs_messages ADD COLUMN group_id TEXT;
    CREATE INDEX sqs_messages_by_group ON sqs_messages (queue_id, group_id, id);
    CREATE TABLE sqs_deduplication (
        queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence TEXT NOT NULL,
        expires REAL NOT NULL,
        PRIMARY KEY (queue_id, scope, dedup_id)
    ) WITHOUT ROWID;
    """,
    # 9: items in a rowid table with a unique key index. A new item then appends to the
    # table's last page and adds a small index entry, where the keyed table split and rewrote
    # 8 KB leaves of ~1 KB rows: about 40% fewer WAL bytes per write, PutItem +15-20% on disk.
    """
    CREATE TABLE ddb_items_by_row (
        id INTEGER PRIMARY KEY,
        table_id INTEGER NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        item BLOB NOT NULL,
        size INTEGER NOT NULL,
        UNIQUE (table_id, hk, rk)
    );
    INSERT INTO ddb_items_by_row (table_id, hk, rk, item, size)
        SELECT table_id, hk, rk, item, size FROM ddb_items ORDER BY table_id, hk, rk;
    DROP TABLE ddb_items;
    ALTER TABLE ddb_items_by_row RENAME TO ddb_items;
    """,
    # 10: stream records keyed by their sequence number, which is global and increasing, so
    # an append lands on the table's last page (not inside one of the shards' key ranges),
    # with a small (shard, seq) index for reads and trims. Halves a stream's cost on PutItem.
    """
    CREATE TABLE stream_records_by_seq (
        seq INTEGER PRIMARY KEY,
        shard INTEGER NOT NULL REFERENCES stream_shards (id) ON DELETE CASCADE,
        created REAL NOT NULL,
        record BLOB NOT NULL
    );
    INSERT INTO stream_records_by_seq (seq, shard, created, record)
        SELECT seq, shard, created, record FROM stream_records ORDER BY seq;
    DROP TABLE stream_records;
    ALTER TABLE stream_records_by_seq RENAME TO stream_records;
    CREATE INDEX stream_records_by_shard ON stream_records (shard, seq);
    """,
    # 11: the open tumbling window of a mapping's shard (aws-facts §4.6), saved with the
    # checkpoint it belongs to: start, end and the state the function last returned, which
    # covers the window's records up to `seq`. NULL when no window is open.
    """
    ALTER TABLE esm_checkpoints ADD COLUMN open_window BLOB;
    """,
    # 12: asynchronous invocation settings (Put/Get/...FunctionEventInvokeConfig) per function
    # and qualifier ($LATEST, a version or an alias), and when each queued Event invocation
    # was first queued, so MaximumEventAgeInSeconds holds across retries (NULL for events
    # queued before this migration: their not_before stands in).
    """
    CREATE TABLE lambda_event_invoke_configs (
        function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
        qualifier TEXT NOT NULL,
        config BLOB NOT NULL,
        PRIMARY KEY (function_id, qualifier)
    ) WITHOUT ROWID;
    ALTER TABLE lambda_event_queue ADD COLUMN queued_at REAL;
    """,
    # 13: ClientRequestToken idempotency (TransactWriteItems, ExecuteTransaction), written in
    # the transaction whose answer it keeps, so a retry after a crash is answered, not re-run;
    # a token is honoured for 10 minutes of clock time (dynamodb/idempotency.py).
    """
    CREATE TABLE ddb_request_tokens (
        operation TEXT NOT NULL,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        digest TEXT NOT NULL,
        expires REAL NOT NULL,
        response BLOB NOT NULL,
        PRIMARY KEY (operation, account, region, token)
    ) WITHOUT ROWID;
    CREATE INDEX ddb_request_tokens_by_expiry ON ddb_request_tokens (expires);
    """,
    # 14: IAM (global: scoped by account, not region): users and roles in one table of
    # principals (names unique per account and kind, ignoring case, as IAM's are), their inline
    # policies, managed-policy attachments (by ARN: AWS managed policies are data files, not
    # rows), customer managed policies and their versions, access keys, and the role sessions
    # AssumeRole issues (iam/store.py).
    """
    CREATE TABLE iam_principals (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        unique_id TEXT NOT NULL UNIQUE,
        arn TEXT NOT NULL,
        created REAL NOT NULL,
        trust_policy TEXT,
        description TEXT,
        max_session_duration INTEGER,
        tags BLOB NOT NULL DEFAULT '[]',
        UNIQUE (account, kind, name)
    );
    CREATE TABLE iam_inline_policies (
        principal_id INTEGER NOT NULL REFERENCES iam_principals (id) ON DELETE CASCADE,
        name TEXT NOT NULL COLLATE NOCASE,
        document TEXT NOT NULL,
        PRIMARY KEY (principal_id, name)
    ) WITHOUT ROWID;
    CREATE TABLE iam_attachments (
        principal_id INTEGER NOT NULL REFERENCES iam_principals (id) ON DELETE CASCADE,
        policy_arn TEXT NOT NULL,
        attached REAL NOT NULL,
        PRIMARY KEY (principal_id, policy_arn)
    ) WITHOUT ROWID;
    CREATE INDEX iam_attachments_by_policy ON iam_attachments (policy_arn);
    CREATE TABLE iam_policies (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        policy_id TEXT NOT NULL UNIQUE,
        arn TEXT NOT NULL UNIQUE,
        description TEXT,
        default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        tags BLOB NOT NULL DEFAULT '[]',
        UNIQUE (account, name)
    );
    CREATE TABLE iam_policy_versions (
        policy_id INTEGER NOT NULL REFERENCES iam_policies (id) ON DELETE CASCADE,
        version_id TEXT NOT NULL,
        document TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (policy_id, version_id)
    ) WITHOUT ROWID;
    CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY,
        principal_id INTEGER NOT NULL REFERENCES iam_principals (id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        status TEXT NOT NULL,
        created REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX iam_access_keys_by_principal ON iam_access_keys (principal_id);
    CREATE TABLE iam_sessions (
        access_key_id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        secret TEXT NOT NULL,
        session_token TEXT NOT NULL,
        role_arn TEXT NOT NULL,
        role_name TEXT NOT NULL,
        role_id TEXT NOT NULL,
        session_name TEXT NOT NULL,
        expires REAL NOT NULL,
        chained INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE INDEX iam_sessions_by_expiry ON iam_sessions (expires);
    """,
    # 15 (issue 13 §5): resource-based policies by resource ARN: DynamoDB tables and streams
    # (PutResourcePolicy) and Lambda functions (AddPermission, one document per function and
    # qualifier), with the revision id each change gets.
    """
    CREATE TABLE resource_policies (
        arn TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        revision TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 16: global tables (replication/). The region a stream record's write was replicated
    # from (NULL: a write made in this region), so replicated writes are never sent back; each
    # replicated item's last-writer-wins version (write time and region, kept out of the item
    # as AWS keeps it hidden; a deleted item keeps its row as a tombstone); and each replica
    # pair's durable position in the source table's stream, saved in the transaction of the
    # writes it covers.
    """
    ALTER TABLE stream_records ADD COLUMN origin TEXT;
    CREATE TABLE ddb_item_versions (
        table_id INTEGER NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        written REAL NOT NULL,
        region TEXT NOT NULL,
        PRIMARY KEY (table_id, hk, rk)
    ) WITHOUT ROWID;
    CREATE TABLE replication_positions (
        source_id INTEGER NOT NULL,
        target_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (source_id, target_id)
    ) WITHOUT ROWID;
    """,
    # 17: CloudWatch alarms (issue 15): each alarm's AWS description (MetricAlarm or CompositeAlarm
    # as DescribeAlarms answers it, state included) and tags, and its history items.
    """
    CREATE TABLE cw_alarms (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        alarm BLOB NOT NULL,
        tags BLOB NOT NULL DEFAULT '{}',
        PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE cw_alarm_history (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        moment REAL NOT NULL,
        item_type TEXT NOT NULL,
        summary TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX cw_alarm_history_by_alarm ON cw_alarm_history (account, region, name, moment);
    """,
    # 18 (issue 16 part 6): S3. Buckets (one namespace for every account and region, as in
    # S3), objects (metadata; their bytes are blobs of 1 MiB chunks, one blob per single PUT
    # or per multipart part, so completing an upload moves no bytes), multipart uploads and
    # their parts.
    """
    CREATE TABLE s3_buckets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE s3_blobs (
        id INTEGER PRIMARY KEY,
        size INTEGER NOT NULL
    );
    CREATE TABLE s3_chunks (
        blob INTEGER NOT NULL REFERENCES s3_blobs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (blob, seq)
    );
    CREATE TABLE s3_objects (
        bucket_id INTEGER NOT NULL REFERENCES s3_buckets (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        modified REAL NOT NULL,
        segments TEXT NOT NULL,
        parts INTEGER NOT NULL DEFAULT 0,
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (bucket_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket_id INTEGER NOT NULL REFERENCES s3_buckets (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        initiated REAL NOT NULL,
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket_id, key, initiated);
    CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        blob INTEGER NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        modified REAL NOT NULL,
        PRIMARY KEY (upload_id, number)
    ) WITHOUT ROWID;
    """,
    # 19: CloudFormation (issue 16): stacks (their description as DescribeStacks needs it, the
    # template and parameters), each stack's resources (physical id, resolved properties, GetAtt
    # attributes, status), its events in order, and change sets.
    """
    CREATE TABLE cfn_stacks (
        stack_id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        deleted REAL,
        stack BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX cfn_stacks_by_name ON cfn_stacks (account, region, name);
    CREATE TABLE cfn_resources (
        stack_id TEXT NOT NULL,
        logical_id TEXT NOT NULL,
        resource BLOB NOT NULL,
        PRIMARY KEY (stack_id, logical_id)
    ) WITHOUT ROWID;
    CREATE TABLE cfn_events (
        id INTEGER PRIMARY KEY,
        stack_id TEXT NOT NULL,
        event BLOB NOT NULL
    );
    CREATE INDEX cfn_events_by_stack ON cfn_events (stack_id, id);
    CREATE TABLE cfn_change_sets (
        change_set_id TEXT PRIMARY KEY,
        stack_id TEXT NOT NULL,
        name TEXT NOT NULL,
        change_set BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX cfn_change_sets_by_stack ON cfn_change_sets (stack_id, name);
    """,
]
