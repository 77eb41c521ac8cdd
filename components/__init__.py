"""foundry-iac components: the typed stack config, the model catalog and the Pulumi components."""
