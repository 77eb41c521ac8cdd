"""Defender for AI: the subscription's AI threat protection plan (config model, input builder, component)."""
