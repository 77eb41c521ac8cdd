"""FoundryAccount: a Foundry resource (Cognitive Services account, kind AIServices) with its children.

Under one account every child write is serialized: projects first, then each deployment
`depends_on` the one before, because Azure answers parallel child writes with RequestConflict.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import cognitiveservices

from . import provenance
from .args import FoundryAccountArgs
from .deployment import ModelDeployment
from .project import FoundryProject

ACCOUNT_TYPE = "azure-native:cognitiveservices:Account"
COMPONENT_TYPE = "foundry-iac:foundry:FoundryAccount"


def account_properties(args: FoundryAccountArgs) -> dict:
    """The account's `properties` as Azure expects them (camelCase)."""
    props: dict = {
        "allowProjectManagement": True,
        "customSubDomainName": args.custom_subdomain,
        "disableLocalAuth": args.disable_local_auth,
        "publicNetworkAccess": args.public_network_access,
    }
    if args.network_acls is not None:
        props["networkAcls"] = args.network_acls
    if args.restore:
        props["restore"] = True
    return props


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
        opts: pulumi.ResourceOptions | None = None,
    ):
        provenance.record(COMPONENT_TYPE, name, args.source)
        super().__init__(COMPONENT_TYPE, name, None, opts)
        self.args = args
        provenance.record(ACCOUNT_TYPE, f"{name}-account", args.source)
        identity = {"type": args.identity_type}
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
            opts=pulumi.ResourceOptions(parent=self, depends_on=[resource_group], protect=args.protect),
        )
        previous: pulumi.Resource = self.account
        self.projects = []
        for project_args in args.projects:
            project = FoundryProject(
                f"{name}-project-{project_args.project_name}", project_args, parent=self, depends_on=[previous]
            )
            self.projects.append(project)
            previous = project
        self.deployments = []
        for deployment_args in args.deployments:
            deployment = ModelDeployment(
                f"{name}-deployment-{deployment_args.deployment_name}",
                deployment_args,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
            self.deployments.append(deployment)
            previous = deployment
        self.endpoint = args.endpoint
        self.register_outputs({"endpoint": self.endpoint})
