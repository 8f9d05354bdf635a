"""The five event source mapping operations, one module each (aws-facts §3.1)."""
