"""The foundry-iac CrossGuard policy pack: one module per concern, the same objects offline and online."""
