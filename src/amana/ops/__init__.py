"""Operator tools, outside the domain apps: `amana seed` (`seed/`), `amana bench
audit|cases|referrals` (`bench/`) and `amana demo` (`demo/`). A Django app only so that its
management commands are found; it has no models. It imports the domain apps; no domain app
imports it."""
