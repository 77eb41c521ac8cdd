"""Foundry projects, their members and connections: config model, input builder, component."""
