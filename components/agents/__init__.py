"""Agent Service standard setup: config model, input builder, and the component that registers it."""
