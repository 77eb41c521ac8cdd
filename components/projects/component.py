"""FoundryProject: a project under a Foundry account, with its members' role assignments.

Like ModelDeployment it *is* the azure-native Project (typed by FoundryProjectArgs) rather than a
ComponentResource around it; its role assignments are registered beside it under the account's
component. An extra component per project costs a registration and alias work on every preview
(measured in benchmarks/bench_plan.py) and adds no structure the account component does not give.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization, cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..connections import connection_properties
from ..wire import Wire, wire
from .args import FoundryProjectArgs

PROJECT_TYPE = types.PROJECT
ROLE_ASSIGNMENT_TYPE = types.ROLE_ASSIGNMENT
CONNECTION_TYPE = types.CONNECTION


def project_properties(args: FoundryProjectArgs) -> Wire:
    """The project's `properties` as Azure expects them (camelCase)."""
    props: dict[str, str] = {"displayName": args.display_name}
    if args.description:
        props["description"] = args.description
    return props


class FoundryProject(cognitiveservices.Project):
    """A Foundry project (accounts/projects) and one role assignment per member, scoped to the project."""

    role_assignments: list[authorization.RoleAssignment]
    connections: list[cognitiveservices.ProjectConnection]
    last_write: pulumi.Resource

    def __init__(self, name: str, args: FoundryProjectArgs, parent: pulumi.Resource, depends_on: list[pulumi.Resource]):
        provenance.record(PROJECT_TYPE, name, args.source)
        super().__init__(
            name,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            project_name=args.project_name,
            location=args.location,
            identity=wire({"type": "SystemAssigned"}),
            properties=project_properties(args),
            tags=args.tags,
        )
        self.args = args
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
                    opts=pulumi.ResourceOptions(parent=parent, depends_on=[self]),
                )
            )
        # Connections are child writes of the account too: each waits for the one before.
        self.connections = []
        self.last_write: pulumi.Resource = self
        for conn in args.connections:
            logical = f"{name}-connection-{conn.connection_name}"
            provenance.record(CONNECTION_TYPE, logical, conn.source)
            self.last_write = cognitiveservices.ProjectConnection(
                logical,
                account_name=conn.account_name,
                project_name=conn.project_name,
                resource_group_name=conn.resource_group_name,
                connection_name=conn.connection_name,
                properties=connection_properties(conn.category, conn.target, conn.resource_id, conn.location),
                opts=pulumi.ResourceOptions(parent=parent, depends_on=[self.last_write]),
            )
            self.connections.append(self.last_write)
