"""Tag names foundry-iac writes on resources and its policies read back."""

# The declared monthly tokens of a deployment travel as tags, so cost policies can price it from its
# props alone (under `pulumi preview` CrossGuard sees only resource inputs).
INPUT_TOKENS_TAG = "foundry-iac-monthly-input-tokens"
OUTPUT_TOKENS_TAG = "foundry-iac-monthly-output-tokens"
