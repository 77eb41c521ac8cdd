"""An account's managed network (agent egress through a Microsoft-managed VNet): config model, inputs, component."""
