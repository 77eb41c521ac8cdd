"""Diagnostic settings, Log Analytics workspaces and metric alerts: config, inputs, components, metric names."""
