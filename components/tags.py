"""Tag names foundry-iac writes on resources and its policies read back."""

# The declared monthly tokens of a deployment travel as tags, so cost policies can price it from its
# props alone (under `pulumi preview` CrossGuard sees only resource inputs).
INPUT_TOKENS_TAG = "foundry-iac-monthly-input-tokens"
OUTPUT_TOKENS_TAG = "foundry-iac-monthly-output-tokens"

MANAGED_BY_TAGS = {"managed-by": "foundry-iac"}
STACK_TAG = "foundry-iac-stack"

# Azure Resource Manager's tag limits (learn.microsoft.com/azure/azure-resource-manager/management/
# tag-resources#limitations, read 2026-11): 50 tags per resource, names up to 512 characters, values up
# to 256, names without < > % & \ ? /
MAX_TAGS = 50
MAX_TAG_NAME = 512
MAX_TAG_VALUE = 256
TAG_NAME_FORBIDDEN = set("<>%&\\?/")
# Tags foundry-iac adds to an account besides the user's: managed-by and foundry-iac-stack.
SYSTEM_TAG_COUNT = 2
