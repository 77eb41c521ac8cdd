"""Azure Monitor metrics of a Foundry account that foundry-iac alerts on, with their source.

Source: Microsoft Learn, "Azure OpenAI monitoring data reference" (Supported metrics for
Microsoft.CognitiveServices/accounts, quick reference "Key metrics by use case"), ms.date 2026-03-19,
read 2026-11-30. The REST API names, not the portal's display names, are what a metric alert takes.

- `AzureOpenAIRequests` ("Azure OpenAI Requests"): request volume and errors, aggregation Total, with
  the dimensions ApiName, ModelDeploymentName, ModelName, ModelVersion, OperationName, Region,
  StatusCode and StreamType. Throttled requests are StatusCode 429; server errors 500, 502, 503, 504.
- `AzureOpenAIProvisionedManagedUtilizationV2` ("Provisioned-managed Utilization V2"): utilization in
  percent of a provisioned deployment (PTUs consumed / PTUs deployed x 100), aggregation Average; calls
  are throttled at 100%. It replaces the deprecated "Provisioned-managed Utilization" (V1).

Not verified: whether `AzureOpenAIRequests` also counts requests to non-OpenAI models sold by Azure
(Grok, DeepSeek) on the same account; the reference lists it as the account's request metric.
"""

from __future__ import annotations

METRIC_NAMESPACE = "Microsoft.CognitiveServices/accounts"
REQUESTS = "AzureOpenAIRequests"
PTU_UTILIZATION = "AzureOpenAIProvisionedManagedUtilizationV2"
STATUS_CODE = "StatusCode"
THROTTLED = ("429",)
SERVER_ERRORS = ("500", "502", "503", "504")
SOURCE = "Microsoft Learn, Azure OpenAI monitoring data reference (2026-03-19), read 2026-11-30"
