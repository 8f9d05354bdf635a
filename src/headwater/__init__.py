"""Headwater: local DynamoDB, DynamoDB Streams and Lambda stream triggers."""

__version__ = "0.1.0"
