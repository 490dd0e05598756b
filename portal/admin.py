"""What every Kakehashi admin page shares: only consultants (and superusers) may see or change records there."""

from typing import Any

from django.http import HttpRequest

from portal.roles import is_consultant


class ConsultantOnlyMixin:
    """Admin permissions narrowed to consultants, on top of the model permissions the consultants group holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_consultant(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_consultant(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_delete_permission(request, obj)
