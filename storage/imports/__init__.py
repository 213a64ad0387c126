"""Importing a JSON export in its own layout, on both cores and in one transaction."""
