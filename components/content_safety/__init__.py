"""Custom content filters (RAI policies): config model, input builder, component, and the built-in filters' settings."""
