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
