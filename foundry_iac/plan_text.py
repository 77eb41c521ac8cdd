"""The readable plan: a tree of resource group, accounts, projects and deployments."""

from __future__ import annotations

from .runner import ProgramRun, RecordedResource

ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ROLE = "azure-native:authorization:RoleAssignment"
RG = "azure-native:resources:ResourceGroup"


def _line(resource: RecordedResource) -> str:
    return f"  (line {resource.source.line})" if resource.source and resource.source.line else ""


def _flags(resource: RecordedResource) -> str:
    return "  protected" if resource.protect else ""


def render_plan_text(run: ProgramRun) -> str:
    """The resources `pulumi up` would create for one stack, as an indented tree."""
    resources = run.resources
    custom = [r for r in resources if r.custom]
    lines = [f"Stack {run.stack.name}  ({run.stack.display})  {len(custom)} Azure resources"]
    by_parent: dict[str | None, list[RecordedResource]] = {}
    for r in resources:
        by_parent.setdefault(r.parent, []).append(r)
    for rg in run.by_type(RG):
        p = rg.props
        lines.append(f"resource group {p.get('resourceGroupName')}  {p.get('location')}{_flags(rg)}{_line(rg)}")
    for account in run.by_type(ACCOUNT):
        p, props = account.props, account.props.get("properties", {})
        auth = "keyless" if props.get("disableLocalAuth") else "API keys ON"
        net = "private" if props.get("publicNetworkAccess") == "Disabled" else "public"
        acls = props.get("networkAcls") or {}
        if net == "public" and acls.get("defaultAction") == "Deny":
            net = f"public, {len(acls.get('ipRules', []))} IP rule(s)"
        identity = (p.get("identity") or {}).get("type", "none")
        lines.append(
            f"└─ account {p.get('accountName')}  {p.get('kind')} {p.get('sku', {}).get('name')}  {p.get('location')}"
            f"  {auth}  {net}  identity {identity}{_flags(account)}{_line(account)}"
        )
        lines.append(f"   subdomain {props.get('customSubDomainName')}")
        siblings = [
            r
            for r in resources
            if r.type in (PROJECT, DEPLOYMENT) and r.props.get("accountName") == p.get("accountName")
        ]
        for child in siblings:
            after = _after(child)
            if child.type == PROJECT:
                scope_tail = f"/accounts/{p.get('accountName')}/projects/{child.props.get('projectName')}"
                members = [
                    r for r in resources if r.type == ROLE and str(r.props.get("scope", "")).endswith(scope_tail)
                ]
                display = child.props.get("properties", {}).get("displayName", "")
                lines.append(
                    f'   ├─ project {child.props.get("projectName")}  "{display}"  '
                    f"{len(members)} member(s){after}{_line(child)}"
                )
                for member in members:
                    mp = member.props
                    role_id = str(mp.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
                    lines.append(
                        f"   │    role {_role_name(role_id)} -> {mp.get('principalType')} "
                        f"{mp.get('principalId')}{_line(member)}"
                    )
            else:
                sku = child.props.get("sku", {})
                model = child.props.get("properties", {}).get("model", {})
                version = model.get("version", "UNPINNED")
                lines.append(
                    f"   ├─ deployment {child.props.get('deploymentName')}  {model.get('format')} "
                    f"{model.get('name')} v{version}  {sku.get('name')} x{sku.get('capacity')}"
                    f"{after}{_line(child)}"
                )
    return "\n".join(lines) + "\n"


def _after(resource: RecordedResource) -> str:
    deps = [d.rsplit("::", 1)[-1] for d in resource.dependencies]
    return f"  after {', '.join(deps)}" if deps else ""


def _role_name(role_id: str) -> str:
    from components.roles import BUILTIN_ROLES

    return next((name for name, rid in BUILTIN_ROLES.items() if rid == role_id), role_id)
