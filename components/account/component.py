"""FoundryAccount: a Foundry resource (Cognitive Services account, kind AIServices) with its children.

Under one account every child write is serialized: projects first, then each deployment
`depends_on` the one before, because Azure answers parallel child writes with RequestConflict.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization, cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..deployments.args import ModelDeploymentArgs
from ..deployments.component import ModelDeployment
from ..projects.component import FoundryProject
from ..wire import Wire
from .args import FoundryAccountArgs

ACCOUNT_TYPE = types.ACCOUNT
COMPONENT_TYPE = types.FOUNDRY_ACCOUNT_COMPONENT
LOCK_TYPE = types.LOCK
KEY_ACCESS_TYPE = types.ROLE_ASSIGNMENT


def account_properties(args: FoundryAccountArgs) -> Wire:
    """The account's `properties` as Azure expects them (camelCase)."""
    props: dict[str, object] = {
        "allowProjectManagement": True,
        "customSubDomainName": args.custom_subdomain,
        "disableLocalAuth": args.disable_local_auth,
        "publicNetworkAccess": args.public_network_access,
    }
    if args.network_acls is not None:
        props["networkAcls"] = args.network_acls
    if args.agent_subnet_id is not None:
        # Agent network injection: the agent runtime runs in the customer's (dedicated, delegated) subnet.
        props["networkInjections"] = [
            {"scenario": "agent", "subnetArmId": args.agent_subnet_id, "useMicrosoftManagedNetwork": False}
        ]
    elif args.managed_network is not None:
        # Agents in the Microsoft-managed VNet, as Microsoft's template 18 creates the account
        props["networkInjections"] = [{"scenario": "agent", "useMicrosoftManagedNetwork": True}]
    if args.restore:
        props["restore"] = True
    if args.encryption is not None:
        enc = args.encryption
        vault: dict[str, str] = {
            "keyName": enc.key_name,
            "keyVaultUri": enc.key_vault_uri,
            "identityClientId": enc.identity_client_id,
        }
        if enc.key_version:
            vault["keyVersion"] = enc.key_version
        props["encryption"] = {"keySource": "Microsoft.KeyVault", "keyVaultProperties": vault}
    return props


def account_identity(args: FoundryAccountArgs) -> Wire:
    """The managed identity block: system-assigned, plus the key's user-assigned identity under CMK."""
    identity: dict[str, object] = {"type": args.identity_type}
    if args.user_assigned_identities:
        identity["userAssignedIdentities"] = {uai: {} for uai in args.user_assigned_identities}
    return identity


def spillover_order(deployments: tuple[ModelDeploymentArgs, ...]) -> list[ModelDeploymentArgs]:
    """The deployments in config order, except that a spillover target is written just before the first
    provisioned deployment naming it (Azure needs the target to exist)."""
    by_name = {d.deployment_name: d for d in deployments}
    out: list[ModelDeploymentArgs] = []
    for dep in deployments:
        target = by_name.get(dep.spillover_to or "")
        if target is not None and target not in out:
            out.append(target)
        if dep not in out:
            out.append(dep)
    return out


class FoundryAccount(pulumi.ComponentResource):
    """A Foundry account, its projects and its model deployments, written one after another."""

    account: cognitiveservices.Account
    projects: list[FoundryProject]
    deployments: list[ModelDeployment]
    endpoint: str
    args: FoundryAccountArgs

    def __init__(
        self,
        name: str,
        args: FoundryAccountArgs,
        resource_group: pulumi.Resource,
        dns_zones: list[pulumi.Resource] | None = None,
        workspaces: list[pulumi.Resource] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        provenance.record(COMPONENT_TYPE, name, args.source)
        super().__init__(COMPONENT_TYPE, name, None, opts)
        self.args = args
        before_account: list[pulumi.Resource] = [resource_group]
        if args.encryption is not None and args.encryption.grant_key_access:
            # Azure sets encryption only when the identity can already read the key: grant it first.
            enc = args.encryption
            provenance.record(KEY_ACCESS_TYPE, f"{name}-key-access", enc.source)
            before_account.append(
                authorization.RoleAssignment(
                    f"{name}-key-access",
                    role_assignment_name=enc.key_access_assignment_name,
                    principal_id=enc.identity_principal_id,
                    principal_type="ServicePrincipal",
                    role_definition_id=enc.key_access_role_id,
                    scope=enc.key_vault_id,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        provenance.record(ACCOUNT_TYPE, f"{name}-account", args.source)
        identity = account_identity(args)
        self.account = cognitiveservices.Account(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="AIServices",
            sku={"name": "S0"},
            identity=identity,
            properties=account_properties(args),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=before_account, protect=args.protect),
        )
        # Every write under the account waits for the one before: Azure puts the account in a non-ready
        # state during each (managed network and its outbound rules, private endpoint, projects, connections,
        # content filters and their blocklists, deployments, diagnostics, lock).
        # A filter exists before the deployments that name it.
        previous: pulumi.Resource = self.account
        if args.managed_network is not None:
            # first, as Microsoft's template 18 orders it: the managed network before endpoints and projects
            from ..managed_network.component import managed_network

            previous = managed_network(name, args.managed_network, self, previous)
        if args.private_endpoint is not None:
            from ..network.component import private_endpoint

            previous = private_endpoint(name, args.private_endpoint, self, [previous, *(dns_zones or [])])
        self.projects = []
        for project_args in args.projects:
            project = FoundryProject(
                f"{name}-project-{project_args.project_name}", project_args, parent=self, depends_on=[previous]
            )
            self.projects.append(project)
            previous = project.last_write
        if args.content_filters:
            from ..content_safety.component import content_filter

            for filter_args in args.content_filters:
                previous = content_filter(name, args, filter_args, self, previous)
        self.deployments = []
        for deployment_args in spillover_order(args.deployments):
            deployment = ModelDeployment(
                f"{name}-deployment-{deployment_args.deployment_name}",
                deployment_args,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
            self.deployments.append(deployment)
            previous = deployment
        if args.agent_projects:
            from ..agents.component import agent_setup

            previous = agent_setup(name, args, self, self.projects, previous, dns_zones or [])
        if args.diagnostics is not None:
            from ..monitoring.diagnostics import diagnostic_setting

            previous = diagnostic_setting(name, args.diagnostics, self, [previous, *(workspaces or [])])
        if args.lock:
            # Last: a CanNotDelete lock stops a mistaken destroy or portal delete from soft-deleting the account.
            provenance.record(LOCK_TYPE, f"{name}-lock", args.source)
            previous = authorization.ManagementLockByScope(
                f"{name}-lock",
                lock_name=f"{args.account_name}-cannot-delete",
                level="CanNotDelete",
                scope=args.account_id,
                notes="foundry-iac: production Foundry account; remove this lock in code to delete it",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
        self.endpoint = args.endpoint
        self.register_outputs({"endpoint": self.endpoint})
