"""Names vulture reports as unused that are used, each with why (`vulture` reads this file, nothing imports it).

Pydantic validators and pytest fixtures are left out by `ignore_decorators` in pyproject.toml's [tool.vulture].
"""
# ruff: noqa: B018, F821

# pydantic reads `model_config` from the class body (strict, frozen models)
_.model_config
# catalog keys declared so the strict catalog model (extra="forbid") accepts and types them; read by people
_.registration_required
_.comment
_.currency
_.regions_source
_.meters_source
# report fields: written into the JSON report (model_dump), read by its consumers, not by name in Python
_.budget_source
_.usage_current  # where --live
_.usage_limit
_.residency_reason  # where
# reprlib.Repr settings: read by reprlib when `short()` shortens a value
_.maxstring
_.maxother
_.maxlist
_.maxdict
# azure-core pipeline hook: SansIOHTTPPolicy calls on_response for every answer
_.on_response
# the import system reads __package__ of the partial package module the SDK shim installs
_.__package__
# fixtures requested for their effect (a fixed date, a small catalog) and not read by the test body
on_nov_23
on_today
small_catalog
versioned_catalog
# tests/foundry_iac/engine/test_runner.py: raised by a test program from its source text
OwnBaseException
# the stack-policy callback's signature (resources, config) in tests/policies/test_framework.py lambdas
rs
# module-level __getattr__ (PEP 562) of the lazily loading components.stack: Python calls it for its names
__getattr__
