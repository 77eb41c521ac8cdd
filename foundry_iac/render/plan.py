"""The readable plan of one stack: resource group, accounts, projects, members, deployments, each with
its stack-file line, cost and policy verdicts."""

from __future__ import annotations

from components.roles import BUILTIN_ROLES

from .common import counts, usd

ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ROLE = "azure-native:authorization:RoleAssignment"
RG = "azure-native:resources:ResourceGroup"
_ROLE_NAMES = {rid: name for name, rid in BUILTIN_ROLES.items()}


def _line(resource: dict) -> str:
    line = (resource.get("source") or {}).get("line")
    return f"  (line {line})" if line else ""


def _protect(resource: dict) -> str:
    return "  protected" if resource.get("protect") else ""


def _after(resource: dict) -> str:
    deps = [d.rsplit("::", 1)[-1] for d in resource["dependencies"]]
    return f"  after {', '.join(deps)}" if deps else ""


def render_plan(entry: dict) -> str:
    """The resources `pulumi up` would create for one stack, as a tree with verdicts."""
    resources = entry["resources"]
    verdicts: dict[str | None, list[dict]] = {}
    for v in entry["violations"]:
        verdicts.setdefault(v["urn"], []).append(v)
    costs = {d["urn"]: d for d in entry["cost"]["deployments"]}
    azure = [r for r in resources if not r["type"].startswith("foundry-iac:")]
    out = [f"Stack {entry['stack']}  ({entry['file']})  {len(azure)} Azure resources"]

    def marks(resource: dict, indent: str) -> None:
        for v in verdicts.get(resource["urn"], []):
            tag = "WAIVED" if v["waived"] else v["enforcement"].upper()
            out.append(f"{indent}! {tag} {v['policy']}: {v['message']}")

    for rg in (r for r in resources if r["type"] == RG):
        p = rg["props"]
        out.append(f"resource group {p.get('resourceGroupName')}  {p.get('location')}{_protect(rg)}{_line(rg)}")
        marks(rg, "   ")
    for account in (r for r in resources if r["type"] == ACCOUNT):
        p = account["props"]
        props = p.get("properties", {})
        auth = "keyless" if props.get("disableLocalAuth") else "API keys ON"
        acls = props.get("networkAcls") or {}
        net = "private" if props.get("publicNetworkAccess") == "Disabled" else "public"
        if net == "public" and acls.get("defaultAction") == "Deny":
            net = f"public, {len(acls.get('ipRules', []))} IP rule(s)"
        identity = (p.get("identity") or {}).get("type", "none")
        out.append(
            f"└─ account {p.get('accountName')}  {p.get('kind')} {p.get('sku', {}).get('name')}  "
            f"{p.get('location')}  {auth}  {net}  identity {identity}{_protect(account)}{_line(account)}"
        )
        out.append(f"   subdomain {props.get('customSubDomainName')}")
        marks(account, "   ")
        name = p.get("accountName")
        for child in resources:
            if child["type"] not in (PROJECT, DEPLOYMENT) or child["props"].get("accountName") != name:
                continue
            cp = child["props"]
            if child["type"] == PROJECT:
                scope_tail = f"/accounts/{name}/projects/{cp.get('projectName')}"
                members = [
                    r for r in resources if r["type"] == ROLE and str(r["props"].get("scope", "")).endswith(scope_tail)
                ]
                display = cp.get("properties", {}).get("displayName", "")
                out.append(
                    f'   ├─ project {cp.get("projectName")}  "{display}"  {len(members)} member(s)'
                    f"{_after(child)}{_line(child)}"
                )
                marks(child, "   │    ")
                for member in members:
                    mp = member["props"]
                    role_id = str(mp.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
                    out.append(
                        f"   │    role {_ROLE_NAMES.get(role_id, role_id)} -> {mp.get('principalType')} "
                        f"{mp.get('principalId')}{_line(member)}"
                    )
            else:
                sku = cp.get("sku", {})
                model = cp.get("properties", {}).get("model", {})
                out.append(
                    f"   ├─ deployment {cp.get('deploymentName')}  {model.get('format')} {model.get('name')} "
                    f"v{model.get('version', 'UNPINNED')}  {sku.get('name')} x{sku.get('capacity')}"
                    f"{_after(child)}{_line(child)}"
                )
                cost = costs.get(child["urn"])
                if cost:
                    out.append(
                        f"   │    cost {usd(cost['monthly_expected'])}/month expected, at most "
                        f"{usd(cost['monthly_ceiling'])}/month"
                    )
                marks(child, "   │    ")
    for v in verdicts.get(None, []):
        tag = "WAIVED" if v["waived"] else v["enforcement"].upper()
        out.append(f"stack ! {tag} {v['policy']}: {v['message']}")
    mandatory, advisory, waived = counts(entry)
    cost = entry["cost"]
    out.append(
        f"cost: expected {usd(cost['monthly_expected'])}/month, ceiling {usd(cost['monthly_ceiling'])}/month, "
        f"budget {usd(cost['budget'])} (basis {cost['basis']})"
    )
    out.append(
        f"verdict: {'PASS' if entry['passed'] else 'FAIL'} ({mandatory} mandatory, {advisory} advisory, "
        f"{waived} waived; policy config {entry['policy_config']})"
    )
    return "\n".join(out) + "\n"
