"""Global tables version 2019.11.21 (aws-facts §6): replica lifecycle through UpdateTable
ReplicaUpdates and DeleteTable. Replicas are same-named tables of one account in other regions;
each lists the others in its description. Replication itself is background work
(headwater/replication/)."""
