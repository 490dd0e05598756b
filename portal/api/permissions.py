"""Who may call what: the role rules of the API, written once and named for the role."""

from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.roles import is_consultant


class IsConsultant(BasePermission):
    """Consultants only (anonymous callers get 401, staff of firms 403)."""

    message = gettext_lazy("Only consultants may do this.")

    def has_permission(self, request, view) -> bool:
        return is_consultant(request.user)


class IsConsultantOrReadOnly(BasePermission):
    """Anyone may read what the queryset lets them see; only consultants write."""

    message = gettext_lazy("Only consultants may do this.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_consultant(request.user)
