"""gate.py: how enforcement levels turn findings into the verdict."""

from __future__ import annotations

import pytest

from foundry_iac.engine.gate import reported_level
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
    from components.catalog import load_catalog

    approved = sorted(name for name in load_catalog().models if name not in {"gpt-4o", "gpt-5.1"})
    entry = gate(TAGGED_STACK, approved_models={"approvedModels": {name: [] for name in approved}})
    messages = [v["message"] for v in unwaived(entry, "approved-models")]
    assert len(messages) == 2  # gpt-4o and gpt-5.1
    for message in messages:
        assert ", ".join(approved[:5]) + f" and {len(approved) - 5} more" in message
        assert approved[5] not in message and len(message) < 400
