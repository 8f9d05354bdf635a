"""CloudWatch metric read operations, one module each."""
