"""Baliegids: the project's own Python package (knowledge store, configuration, launcher)."""
