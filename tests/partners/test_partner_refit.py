"""A partner edited or loaded queues one refit of every firm's partner fits through matching.dispatch, on commit."""

import logging

from kombu.exceptions import OperationalError as BrokerError

from matching import dispatch, hooks
from partners.models import Partner, PartnerArea, PartnerFit
from partners.services import partner_save
from partners.tasks import partner_refit_enqueue, rescore_fits_task
from web.curated import curated_load

PARTNER_YAML = (
    "- {slug: acme-jp, name: Acme, name_ja: アクメ, role: prime, size: large, capabilities: Ships,"
    " contact_url: 'https://acme.example/', areas: {usv: 0.8},"
    " sources: [{url: 'https://acme.example/about', title: About, accessed_on: 2026-12-02}]}\n"
    "- {slug: beta-jp, name: Beta, role: sme, size: sme, capabilities: Drones,"
    " contact_url: 'https://beta.example/', areas: {usv: 0.3},"
    " sources: [{url: 'https://beta.example/about', title: About, accessed_on: 2026-12-02}]}\n"
)


def _refits(callbacks) -> int:
    return sum(1 for callback in callbacks if callback is dispatch._partners_refit_enqueue)


def _fits(company) -> list[str]:
    return list(PartnerFit.objects.filter(company=company).order_by("-score").values_list("partner__slug", flat=True))


def test_the_partners_app_is_the_refit_provider():
    assert hooks._partner_refit == [partner_refit_enqueue]


def test_saving_a_partner_refits_every_firm_once_it_commits(
    firm_a, firm_b, areas, partners, django_capture_on_commit_callbacks
):
    firm_a.technology_areas.add(areas["uav"])
    firm_b.technology_areas.add(areas["cyber"])
    drones = partners["drones"]

    drones.city, partners["shipyard"].city = "Tokyo", "Yokosuka"

    with django_capture_on_commit_callbacks() as callbacks:
        partner_save(partner=drones, by=None, reason="Moved")
        partner_save(partner=partners["shipyard"], by=None, reason="Checked")

    assert _refits(callbacks) == 1  # one refit per transaction, however many partners changed
    assert not PartnerFit.objects.exists()  # nothing happens before the commit
    for callback in callbacks:
        callback()
    assert _fits(firm_a)[0] == "drone-startup"
    assert _fits(firm_b)[0] == "it-prime"


def test_a_partners_new_area_moves_it_up_a_firms_list_after_the_refit(
    firm_a, areas, partners, django_capture_on_commit_callbacks
):
    firm_a.technology_areas.add(areas["cyber"])
    rescore_fits_task()
    assert _fits(firm_a)[0] == "it-prime"

    PartnerArea.objects.filter(partner=partners["it_prime"]).delete()
    PartnerArea.objects.create(partner=partners["shipyard"], technology_area=areas["cyber"], weight=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        partner_save(partner=partners["shipyard"], by=None, reason="Cyber division", links_changed=True)

    assert _fits(firm_a)[0] == "shipyard-kk"


def test_loading_partners_queues_one_refit_and_an_unchanged_load_none(
    firm_a, areas, tmp_path, django_capture_on_commit_callbacks
):
    firm_a.technology_areas.add(areas["usv"])
    (tmp_path / "partners.yaml").write_text(PARTNER_YAML, encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True) as first:
        curated_load(directory=tmp_path)
    with django_capture_on_commit_callbacks() as second:
        curated_load(directory=tmp_path)

    assert Partner.objects.count() == 2
    assert _refits(first) == 1 and _refits(second) == 0
    assert _fits(firm_a) == ["acme-jp", "beta-jp"]


def test_with_the_queue_down_the_refit_is_logged_and_the_save_stands(partners, monkeypatch, caplog):
    def broker_down() -> None:
        raise BrokerError("connection refused")

    monkeypatch.setattr(hooks, "_partner_refit", [broker_down])
    with caplog.at_level(logging.WARNING, logger="matching.dispatch"):
        dispatch._partners_refit_enqueue()

    assert "partner refit not queued" in caplog.text


def test_deleting_a_partner_in_the_admin_refits_every_firm_on_commit(
    consultant_client, partners, django_capture_on_commit_callbacks
):
    drones = partners["drones"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = consultant_client.post(f"/admin/partners/partner/{drones.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Partner.objects.filter(pk=drones.pk).exists()
    assert _refits(callbacks) == 1


def test_saving_a_partner_that_changes_nothing_writes_no_history_and_refits_nothing(
    partners, django_capture_on_commit_callbacks
):
    shipyard = partners["shipyard"]
    rows = shipyard.history.count()

    with django_capture_on_commit_callbacks() as callbacks:
        partner_save(partner=shipyard, by=None, reason="Checked")

    assert (shipyard.history.count(), _refits(callbacks)) == (rows, 0)
