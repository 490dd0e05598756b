"""Demo data: the curated demo firms (fixtures/companies.yaml) and the two demo log-ins."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from companies.models import Company, CompanyCertification, Membership
from companies.services import company_history_paused, company_history_record, company_snapshot
from portal.curation import CHANGE_REASON, LoadContext, links_sync, m2m_sync, resolve, split_record, upsert
from portal.services import consultants_group_ensure
from programmes.models import Certification, TechnologyArea

COMPANY_FIELDS = (
    "name", "country", "size", "founded", "website", "description", "trl", "export_control_notes",
    "itar_controlled", "ear_controlled", "dsgl_controlled", "japan_presence", "contact_email", "source_url",
)  # fmt: skip
COMPANY_RELATIONS = ("technology_areas", "certifications")

# The firm whose editor the `staff` demo user is: an Australian SME with a clear maritime-autonomy profile.
DEMO_STAFF_COMPANY = "ocius"
DEMO_CONSULTANT = "consultant"
DEMO_STAFF = "staff"
DEMO_VIEWER = "viewer"


def companies_load(ctx: LoadContext, records: list[dict]) -> None:
    """companies.yaml: demo firms keyed by slug, with declared areas and certifications held."""
    for record in records:
        slug, values, links = split_record(
            ctx, record, kind="company", key="slug", fields=COMPANY_FIELDS, relations=COMPANY_RELATIONS
        )
        if not slug or ctx.kept("companies", Company, {"slug": slug}):
            continue
        company, outcome = upsert(ctx, Company, lookup={"slug": slug}, values=values, save=company_save_quietly)
        if company is not None and company_relations_sync(ctx, company, links):
            outcome = "updated" if outcome == "unchanged" else outcome
        if company is not None and outcome in ("created", "updated"):
            # One history row per changed firm, written after its links so that it holds its areas and certificates.
            company_history_record(
                snapshots=[company_snapshot(company)], created=outcome == "created", by=None, reason=CHANGE_REASON
            )
        ctx.report.add("companies", outcome)


def company_save_quietly(company: Company) -> None:
    """Save the firm's columns without a history row: companies_load writes it once its links are in place."""
    with company_history_paused(company):
        company.save()


def company_relations_sync(ctx: LoadContext, company: Company, links: dict[str, Any]) -> bool:
    """Declared areas and certifications held of one saved firm, without a history row (companies_load writes
    it); True if any changed."""
    changed = False
    areas = resolve(ctx, company.slug, "technology_areas", TechnologyArea, links.get("technology_areas"))
    with company_history_paused(company):
        if areas is not None:
            changed |= m2m_sync(company, "technology_areas", areas)
        return certifications_held_sync(ctx, company, links.get("certifications") or []) or changed


def certifications_held_sync(ctx: LoadContext, company: Company, items: Any) -> bool:
    """Make the firm's certifications match `certifications: [CODE or {code, expires_on}]`."""
    if not isinstance(items, list) or not all(isinstance(item, str | dict) for item in items):
        ctx.error(company.slug, "certifications", "expected a list of codes or {code, expires_on}")
        return False
    wanted: dict[str, Any] = {}
    for item in items:
        code, expires_on = (item, None) if isinstance(item, str) else (item.get("code"), item.get("expires_on"))
        wanted[code] = expires_on
    certs = resolve(ctx, company.slug, "certifications", Certification, list(wanted), key="code")
    if certs is None:
        return False
    existing = {link.certification_id: link for link in company.certification_links.all()}
    return links_sync(
        ctx,
        company.slug,
        "certifications",
        existing,
        certs,
        new_link=lambda cert: CompanyCertification(company=company, certification=cert),
        attr="expires_on",
        value=lambda cert: wanted[cert.code],
        label=lambda cert: cert.code,
    )


@dataclass(frozen=True)
class DemoLogin:
    """A demo user name and what it is for, as `make run` prints it."""

    username: str
    role: str


@transaction.atomic
def demo_users_ensure(*, password: str, staff_company_slug: str = DEMO_STAFF_COMPANY) -> list[DemoLogin]:
    """Create or update the `consultant`, `staff` (an editor) and `viewer` demo users of one firm; idempotent, and
    only `make demo` calls it."""
    company = Company.objects.filter(slug=staff_company_slug).first()
    if company is None:
        raise ValidationError({"company": f"demo firm {staff_company_slug!r} is missing; run load_curated first"})
    consultant = demo_user_ensure(username=DEMO_CONSULTANT, password=password, is_staff=True)
    consultant.groups.add(consultants_group_ensure())
    staff = demo_user_ensure(username=DEMO_STAFF, password=password, is_staff=False)
    Membership.objects.update_or_create(user=staff, company=company, defaults={"role": Membership.Role.EDITOR})
    viewer = demo_user_ensure(username=DEMO_VIEWER, password=password, is_staff=False)
    Membership.objects.update_or_create(user=viewer, company=company, defaults={"role": Membership.Role.VIEWER})
    return [
        DemoLogin(DEMO_CONSULTANT, "consultant: curates every record in the admin and the portal"),
        DemoLogin(DEMO_STAFF, f"company staff: editor of {company.name}"),
        DemoLogin(DEMO_VIEWER, f"company staff: viewer of {company.name} (reads, changes nothing)"),
    ]


def demo_user_ensure(*, username: str, password: str, is_staff: bool) -> User:
    """One demo user, active, with PASSWORD; saved only when something differs."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@demo.invalid"})
    changed = created or user.is_staff != is_staff or not user.is_active or user.is_superuser
    user.is_staff, user.is_active, user.is_superuser = is_staff, True, False
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    return user
