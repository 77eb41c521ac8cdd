"""Renderers of the gate report: text, markdown, SARIF, and the plan tree."""
