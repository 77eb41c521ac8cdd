"""FoundryProject: a project under a Foundry account, with its members' role assignments."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization, cognitiveservices

from . import provenance
from .args import FoundryProjectArgs

PROJECT_TYPE = "azure-native:cognitiveservices:Project"
ROLE_ASSIGNMENT_TYPE = "azure-native:authorization:RoleAssignment"
COMPONENT_TYPE = "foundry-iac:foundry:FoundryProject"


class FoundryProject(pulumi.ComponentResource):
    """A Foundry project (accounts/projects) and a role assignment per member, scoped to the project."""

    project: cognitiveservices.Project
    role_assignments: list[authorization.RoleAssignment]
    endpoint: str

    def __init__(
        self,
        name: str,
        args: FoundryProjectArgs,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ):
        provenance.record(COMPONENT_TYPE, name, args.source)
        super().__init__(COMPONENT_TYPE, name, None, opts)
        props: dict = {"displayName": args.display_name}
        if args.description:
            props["description"] = args.description
        provenance.record(PROJECT_TYPE, f"{name}-project", args.source)
        self.project = cognitiveservices.Project(
            f"{name}-project",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            project_name=args.project_name,
            location=args.location,
            identity={"type": "SystemAssigned"},
            properties=props,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.role_assignments = []
        for member in args.members:
            logical = f"{name}-role-{member.name[:8]}"
            provenance.record(ROLE_ASSIGNMENT_TYPE, logical, member.source)
            self.role_assignments.append(
                authorization.RoleAssignment(
                    logical,
                    role_assignment_name=member.name,
                    principal_id=member.principal_id,
                    principal_type=member.principal_type,
                    role_definition_id=member.role_definition_id,
                    scope=member.scope,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[self.project]),
                )
            )
        self.register_outputs({"projectName": args.project_name})
