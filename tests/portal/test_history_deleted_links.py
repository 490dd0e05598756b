"""History pages keep working after a record a firm or an opportunity once linked to is deleted."""

import datetime

from companies.services import company_area_add
from programmes.services import opportunity_verify
from tests.factories import CompanyFactory, ConsultantFactory, OpportunityFactory, TechnologyAreaFactory


def test_a_firms_admin_history_still_opens_after_an_area_it_ticked_is_deleted(consultant_client, consultant):
    firm = CompanyFactory(slug="firm-h", name="Firm H")
    lasers = TechnologyAreaFactory(slug="lasers", name="Lasers", name_ja="レーザー")
    space = TechnologyAreaFactory(slug="space-h", name="Space things", name_ja="宇宙もの")
    company_area_add(company=firm, area=lasers, by=consultant)
    company_area_add(company=firm, area=space, by=consultant)
    lasers.delete()

    for prefix, deleted in (("", "deleted record"), ("/ja", "削除された記録")):
        response = consultant_client.get(f"{prefix}/admin/companies/company/{firm.pk}/history/")
        assert response.status_code == 200
        assert deleted in response.text
        assert "DeletedObject" not in response.text


def test_an_opportunitys_admin_history_names_a_deleted_verifier_as_deleted(consultant_client, consultant):
    former = ConsultantFactory(username="former")
    opportunity = OpportunityFactory(title="Call H")
    opportunity_verify(opportunity=opportunity, by=former, on=datetime.date(2026, 11, 2))
    opportunity_verify(opportunity=opportunity, by=consultant, on=datetime.date(2026, 12, 2))
    former.delete()

    for prefix, deleted in (("", "deleted record"), ("/ja", "削除された記録")):
        response = consultant_client.get(f"{prefix}/admin/programmes/opportunity/{opportunity.pk}/history/")
        assert response.status_code == 200
        text = " ".join(response.text.replace("&nbsp;", " ").replace("&rarr;", "→").split())
        assert f"{deleted} → consultant" in text
        assert "Deleted user" not in text
