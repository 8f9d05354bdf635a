"""CloudFormation's operations, one module each (related small ones share a module)."""
