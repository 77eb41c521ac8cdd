"""gate.py: how enforcement levels turn findings into the verdict."""

from __future__ import annotations

import pytest

from foundry_iac.gate import reported_level
from tests.conftest import TAGGED_STACK, unwaived


def test_a_finding_under_remediate_blocks_as_mandatory_as_the_pulumi_engine_reports_it(gate):
    entry = gate(TAGGED_STACK, required_tags={"enforcementLevel": "remediate", "tags": ["owner", "cost-center"]})
    found = unwaived(entry, "required-tags")
    assert found and {v["enforcement"] for v in found} == {"mandatory"}
    assert entry["passed"] is False


def test_remediate_without_a_finding_passes_like_mandatory(gate):
    remediate = gate(TAGGED_STACK, required_tags={"enforcementLevel": "remediate", "tags": ["owner"]})
    mandatory = gate(TAGGED_STACK, required_tags={"enforcementLevel": "mandatory", "tags": ["owner"]})
    assert unwaived(remediate, "required-tags") == []
    assert remediate["passed"] == mandatory["passed"]


@pytest.mark.parametrize(
    ("level", "reported"), [("remediate", "mandatory"), ("mandatory", "mandatory"), ("advisory", "advisory")]
)
def test_reported_level(level, reported):
    assert reported_level(level) == reported


def test_a_violation_names_a_few_approved_models_and_how_many_more_never_the_whole_list(gate):
    approved = {f"approved-model-{i:05d}": [] for i in range(20_000)}
    entry = gate(TAGGED_STACK, approved_models={"approvedModels": approved})
    messages = [v["message"] for v in unwaived(entry, "approved-models")]
    assert len(messages) == 2  # gpt-4o and gpt-5.1
    for message in messages:
        assert "approved-model-00000, approved-model-00001, approved-model-00002, approved-model-00003, " in message
        assert "approved-model-00004 and 19995 more" in message and len(message) < 400
