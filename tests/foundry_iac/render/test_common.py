"""Helpers every renderer shares."""

from __future__ import annotations

from foundry_iac.engine.report_model import Source, Violation
from foundry_iac.render.common import where


def violation(source: Source | None, related: list[Source] | None = None) -> Violation:
    return Violation(
        policy="p", enforcement="mandatory", urn=None, message="m", waived=False, source=source, related=related or []
    )


def test_where_names_the_file_and_line_the_related_lines_and_the_stack_when_there_is_no_line():
    assert where(violation(None)) == "(the stack)"
    assert where(violation(Source(file="stacks/a.yaml", line=7))) == "stacks/a.yaml:7"
    assert where(violation(Source(file="stacks/a.yaml", line=None))) == "stacks/a.yaml"
    related = [Source(file="stacks/a.yaml", line=9), Source(file="policies/config/a.json", line=3)]
    assert where(violation(Source(file="stacks/a.yaml", line=7), related)) == (
        "stacks/a.yaml:7 (also 9, policies/config/a.json:3)"
    )
