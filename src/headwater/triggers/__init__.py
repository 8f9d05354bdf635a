"""Stream triggers: event source mappings that invoke functions from DynamoDB streams."""
