"""A Foundry account: its config model, the builder of its inputs, and the component that registers it."""
