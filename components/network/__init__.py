"""Network exposure, private endpoints and private DNS: config model, input builder, component."""
