"""factory-boy factories for test data (the curated fixtures are for `make run` and content checks)."""

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from companies.models import Company, CompanyCertification, Membership
from matching.parts import parts_of
from portal.roles import CONSULTANTS_GROUP
from programmes.models import (
    Certification,
    Opportunity,
    OpportunityArea,
    Organisation,
    Source,
    TechnologyArea,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class ConsultantFactory(UserFactory):
    is_staff = True  # consultants curate in the admin

    @factory.post_generation
    def consultants_group(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=CONSULTANTS_GROUP)
            self.groups.add(group)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "JP"


class TechnologyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnologyArea
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.LazyAttribute(lambda a: a.slug.replace("-", " ").title())
    description = factory.LazyAttribute(lambda a: f"Technology area {a.name}.")
    keywords = factory.List([])


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.LazyAttribute(lambda c: c.code.upper())


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"opportunity-{n}")
    kind = Opportunity.Kind.PROGRAMME
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    summary = "A curated opportunity."
    status = Opportunity.Status.PUBLISHED
    last_verified_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """areas=[area, (area, weight), ...]"""
        if create and extracted:
            for item in extracted:
                area, weight = item if isinstance(item, tuple) else (item, 1.0)
                OpportunityArea.objects.create(opportunity=self, technology_area=area, weight=weight)

    @factory.post_generation
    def with_source(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Source.objects.get_or_create(opportunity=self, url=f"https://example.org/source/{self.slug}")


class CallFactory(OpportunityFactory):
    kind = Opportunity.Kind.CALL
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"company-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())
    country = "AU"
    size = Company.Size.SME
    description = "Makes things."

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.technology_areas.add(*extracted)

    @factory.post_generation
    def certs(self, create, extracted, **kwargs):
        if create and extracted:
            for cert in extracted:
                CompanyCertification.objects.create(company=self, certification=cert)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Membership.Role.EDITOR


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    opportunity = factory.SubFactory(OpportunityFactory, with_source=False)
    url = factory.Sequence(lambda n: f"https://example.org/page/{n}")
    title = "An official page"
    publisher = "Ministry of Defense"


class EventFactory(OpportunityFactory):
    kind = Opportunity.Kind.EVENT
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=62))
    venue = "Makuhari Messe, Chiba"


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.MatchRun"

    scope = "all"
    status = "succeeded"
    engine_version = "test"


class MatchFactory(factory.django.DjangoModelFactory):
    """A match whose components add up to its score (capability only, unless components= is given)."""

    class Meta:
        model = "matching.Match"

    class Params:
        # As readers see them; stored as `parts` (matching.parts), with the engine's weights.
        components = factory.LazyAttribute(
            lambda m: {"capability": {"value": round(min(1.0, m.score / 70), 4), "contribution": m.score}}
        )

    company = factory.SubFactory(CompanyFactory)
    opportunity = factory.SubFactory(OpportunityFactory)
    score = 50.0
    parts = factory.LazyAttribute(lambda m: parts_of(m.components))
    reasons = factory.List(["Declares the areas the opportunity asks for."])
    gaps = factory.List([])
    eligible = True
    computed_at = factory.LazyFunction(timezone.now)


# A strong match's breakdown (81.5 out of 100) that page and browser tests draw and check.
LASER_CALL_COMPONENTS = {
    "capability": {"value": 0.9, "weight": 0.5, "contribution": 45.0},
    "eligibility": {"value": 1.0, "weight": 0.2, "contribution": 20.0},
    "readiness": {"value": 0.5, "weight": 0.1, "contribution": 5.0},
    "compliance": {"value": 0.5, "weight": 0.1, "contribution": 5.0},
    "timing": {"value": 0.65, "weight": 0.1, "contribution": 6.5},
}
