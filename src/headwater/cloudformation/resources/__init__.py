"""The resource types stacks deploy, one module each (registry.py lists them)."""
