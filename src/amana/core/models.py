"""Core has no models. This module exists so that `migrate` sends core its post_migrate signal,
on which `amana.core.db_roles` grants the app role its privileges once per run."""
