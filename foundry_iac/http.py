"""One configured azure-core pipeline for the public APIs foundry-iac reads (retries honour Retry-After)."""

from __future__ import annotations

from azure.core import PipelineClient
from azure.core.pipeline.policies import HeadersPolicy, RetryPolicy, UserAgentPolicy

USER_AGENT = "foundry-iac/0.1"


def pipeline_client(base_url: str, retry_total: int = 4, retry_backoff: float = 0.8) -> PipelineClient:
    """A client that retries 408/429/5xx (waiting Retry-After when given) with exponential backoff."""
    return PipelineClient(
        base_url=base_url,
        policies=[
            HeadersPolicy({"Accept": "application/json"}),
            UserAgentPolicy(USER_AGENT),
            RetryPolicy(retry_total=retry_total, retry_backoff_factor=retry_backoff, retry_backoff_max=30),
        ],
    )
