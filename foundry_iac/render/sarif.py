"""SARIF 2.1.0: each result at the stack-file line that produced the resource."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from policies.pack import POLICIES

from ..engine.report_model import Report, StackReport, Violation
from ..version import version

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# remediate blocks as mandatory does (gate.reported_level)
LEVELS = {"mandatory": "error", "advisory": "warning", "remediate": "error"}
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.5", "medium": "5.0", "low": "2.0"}


def _preflight_rules(report: Report) -> list[dict[str, Any]]:
    from ..azure.preflight import CHECKS

    used = sorted({v.policy for entry in report.stacks for v in entry.violations if v.policy in CHECKS})
    return [
        {
            "id": check.id,
            "name": "".join(part.title() for part in check.id.split("-")),
            "shortDescription": {"text": check.description[:200]},
            "fullDescription": {"text": check.description},
            "help": {"text": check.remediation},
            "defaultConfiguration": {"level": "error"},
            "properties": {
                "tags": ["azure", "foundry", "preflight"],
                "security-severity": SECURITY_SEVERITY[check.severity],
            },
        }
        for check in (CHECKS[i] for i in used)
    ]


def _rules() -> list[dict[str, Any]]:
    rules = []
    for policy in POLICIES:
        severity = policy.severity.value if policy.severity else "medium"
        rules.append(
            {
                "id": policy.name,
                "name": "".join(part.title() for part in policy.name.split("-")),
                "shortDescription": {"text": policy.description.split(": ")[0][:200]},
                "fullDescription": {"text": policy.description},
                "help": {"text": policy.remediation_steps or policy.description},
                "defaultConfiguration": {
                    "level": LEVELS.get(policy.enforcement_level.value, "warning")
                    if policy.enforcement_level
                    else "warning"
                },
                "properties": {"tags": ["azure", "foundry", "iac"], "security-severity": SECURITY_SEVERITY[severity]},
            }
        )
    return rules


def fingerprints(entry: StackReport) -> list[str]:
    """A stable identity per violation: stack, policy and resource, never the message.

    A capacity or price change rewrites messages; deriving the fingerprint from them would open new
    code-scanning alerts and reopen dismissed ones. Several findings of one policy on one resource are
    told apart by their rank in message order.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for index, violation in enumerate(entry.violations):
        groups.setdefault((violation.policy, violation.urn or "stack"), []).append(index)
    out = [""] * len(entry.violations)
    for (policy, resource), indexes in groups.items():
        for rank, index in enumerate(sorted(indexes, key=lambda i: entry.violations[i].message)):
            key = f"{entry.stack}|{policy}|{resource}|{rank}"
            out[index] = hashlib.sha256(key.encode()).hexdigest()[:32]
    return out


def _result(entry: StackReport, violation: Violation, rule_index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    source = violation.source
    physical: dict[str, Any] = {"artifactLocation": {"uri": (source.file if source else None) or entry.file}}
    if source and source.line:
        physical["region"] = {"startLine": source.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if violation.urn:
        location["logicalLocations"] = [{"fullyQualifiedName": violation.urn, "kind": "resource"}]
    result: dict[str, Any] = {
        "ruleId": violation.policy,
        "ruleIndex": rule_index[violation.policy],
        "level": LEVELS.get(violation.enforcement, "note"),
        "message": {"text": f"[{entry.stack}] {violation.message}"},
        "locations": [location],
        "partialFingerprints": {"foundryIacViolation/v2": fingerprint},
        "properties": {"stack": entry.stack, "enforcement": violation.enforcement},
    }
    related = [
        {
            "id": index,
            "physicalLocation": {"artifactLocation": {"uri": r.file}, "region": {"startLine": r.line}},
        }
        for index, r in enumerate(violation.related)
        if r.line is not None
    ]
    if related:
        result["relatedLocations"] = related
    if violation.waived and violation.waiver:
        waiver = violation.waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.reason} (approved by {waiver.approver}, expires {waiver.expires})",
            }
        ]
    return result


def sarif_document(report: Report) -> dict[str, Any]:
    """The SARIF log of a gate report."""
    rules = _rules() + _preflight_rules(report)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [
        _result(entry, v, rule_index, fingerprint)
        for entry in report.stacks
        for v, fingerprint in zip(entry.violations, fingerprints(entry), strict=True)
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "foundry-iac",
                        "version": version(),
                        "rules": rules,
                        "informationUri": "https://github.com/foundry-iac/foundry-iac",
                    }
                },
                "automationDetails": {"id": "foundry-iac/" + ",".join(e.stack for e in report.stacks)},
                "results": results,
            }
        ],
    }


def render_sarif(report: Report) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(sarif_document(report), indent=2, sort_keys=True, allow_nan=False) + "\n"
