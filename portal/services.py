"""Site-wide writes: the consultants group and its permissions."""

from django.contrib.auth.models import Group, Permission

from portal.roles import CONSULTANTS_GROUP

# Consultants curate programme records and company data, and run rescoring; they never manage users.
CONSULTANT_APPS = ("programmes", "companies", "matching", "partners")


def consultants_group_ensure() -> Group:
    """Create the consultants group if needed and give it every permission on the curated apps."""
    group, _ = Group.objects.get_or_create(name=CONSULTANTS_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=CONSULTANT_APPS)
    group.permissions.set(perms)
    return group
