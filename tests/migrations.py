"""Data migration tests' steps: migrate the test database to some migrations and back to the latest."""

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str]]) -> Apps:
    """Migrate to TARGETS ([(app, migration)]); returns the models as they stood there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_back() -> None:
    """Migrate every app to its latest migration again (each test's `finally`)."""
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
