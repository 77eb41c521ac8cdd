"""The monthly budget: config model, input builder, and the component that registers it."""
