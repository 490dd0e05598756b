from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        """Recount firms' feedback marks when a curator changes the areas of a record they marked, and move their
        due dates with a record's deadline."""
        from matching import hooks
        from workspace.services import feedback_marks_records_changed, pipeline_due_dates_follow

        hooks.record_areas_changed_follower(feedback_marks_records_changed)
        hooks.record_deadline_moved_follower(pipeline_due_dates_follow)
