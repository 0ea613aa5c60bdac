"""The rules of rules.md, grouped by section. Each rule checks one thing."""
