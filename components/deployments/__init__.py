"""Model deployments: config model, input builder, and the component that registers them."""
