"""Every Pulumi resource type token foundry-iac registers, checks or reports: the one place they are spelled.

Components register these types (and key their provenance records by them), policies select resources
by them, and the diff and the renderers label and classify them.
"""

from __future__ import annotations

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
CONNECTION = "azure-native:cognitiveservices:ProjectConnection"
RAI_POLICY = "azure-native:cognitiveservices:RaiPolicy"
RAI_BLOCKLIST = "azure-native:cognitiveservices:RaiBlocklist"
RAI_BLOCKLIST_ITEM = "azure-native:cognitiveservices:RaiBlocklistItem"
ACCOUNT_CAPABILITY_HOST = "azure-native:cognitiveservices:AccountCapabilityHost"
PROJECT_CAPABILITY_HOST = "azure-native:cognitiveservices:ProjectCapabilityHost"
MANAGED_NETWORK = "azure-native:cognitiveservices:ManagedNetworkSetting"
OUTBOUND_RULE = "azure-native:cognitiveservices:OutboundRule"
COSMOS_SQL_ROLE_ASSIGNMENT = "azure-native:cosmosdb:SqlResourceSqlRoleAssignment"
SLEEP = "time:index/sleep:Sleep"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
LOCK = "azure-native:authorization:ManagementLockByScope"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
PRIVATE_DNS_ZONE = "azure-native:privatedns:PrivateZone"
VNET_LINK = "azure-native:privatedns:VirtualNetworkLink"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
LOG_ANALYTICS_WORKSPACE = "azure-native:operationalinsights:Workspace"
FOUNDRY_ACCOUNT_COMPONENT = "foundry-iac:foundry:FoundryAccount"
BUDGET = "azure-native:consumption:Budget"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
SECURITY_PRICING = "azure-native:security:Pricing"
