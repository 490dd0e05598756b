"""Introductions: staff ask, consultants work the queue, the firm sees status and history, others see nothing."""

import re

import pytest
from django.utils.dateparse import parse_datetime

from partners.models import Introduction
from partners.services import introduction_move
from tests.factories import CallFactory


def ask(client, **body):
    data = {"company": "firm-a", "partner": "shipyard-kk", "message": "We build USVs and want a shipyard partner."}
    return client.post("/api/v1/introductions/", {**data, **body}, content_type="application/json")


@pytest.fixture
def call(db):
    return CallFactory(slug="usv-call", title="USV call")


def test_alice_asks_for_an_introduction_and_gets_201(alice_client, alice, partners, call):
    response = ask(alice_client, opportunity="usv-call")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "requested"
    assert body["partner"] == {
        "slug": "shipyard-kk",
        "name": "Shipyard Kk",
        "name_ja": "造船",
        "name_kana": "ぞうせん",
        "role": "prime",
    }
    assert body["opportunity"] == "usv-call"
    assert "notes" not in body
    introduction = Introduction.objects.get()
    assert (introduction.company.slug, introduction.requested_by) == ("firm-a", alice)
    assert introduction.history.get().history_change_reason == "Requested"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"company": "firm-b"}, "company"),
        ({"partner": "no-such-partner"}, "partner"),
        ({"opportunity": "no-such-call"}, "opportunity"),
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 4001}, "message"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(alice_client, partners, firm_b, body, field):
    response = ask(alice_client, **body)

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not Introduction.objects.exists()


def test_a_repeat_request_is_refused_while_one_is_open(alice_client, consultant_client, partners, call):
    first = ask(alice_client, opportunity="usv-call")
    repeat = ask(alice_client, opportunity="usv-call")
    other_opportunity = ask(alice_client)

    assert (first.status_code, repeat.status_code, other_opportunity.status_code) == (201, 400, 201)
    assert "open request" in repeat.json()["partner"][0]
    consultant_client.patch(
        f"/api/v1/introductions/{first.json()['id']}/",
        {"status": "declined", "reason": "The yard is not taking partners this year."},
        content_type="application/json",
    )
    assert ask(alice_client, opportunity="usv-call").status_code == 201  # closed requests may be asked again


def test_consultants_move_a_request_through_the_queue_and_the_firm_sees_it(
    alice_client, consultant_client, partners, call
):
    pk = ask(alice_client, opportunity="usv-call").json()["id"]
    url = f"/api/v1/introductions/{pk}/"

    review = consultant_client.patch(url, {"status": "in_review", "notes": "call the yard"}, "application/json")
    done = consultant_client.patch(url, {"status": "introduced", "reason": "Emailed both sides."}, "application/json")

    assert (review.status_code, done.status_code) == (200, 200)
    assert done.json()["notes"] == "call the yard"
    seen = alice_client.get(url).json()
    assert (seen["status"], seen["reason"]) == ("introduced", "Emailed both sides.")
    assert "notes" not in seen
    history = list(Introduction.objects.get(pk=pk).history.order_by("history_date").values_list("status", flat=True))
    assert history == ["requested", "in_review", "introduced"]
    page = alice_client.get(f"/my/introductions/{pk}/").content.decode()
    assert "Introduced" in page and "In review" in page and "Emailed both sides." in page
    assert "call the yard" not in page
    assert "Whoever asked for the introduction is emailed when its status changes" in page


def test_a_change_of_the_private_notes_alone_adds_no_step_to_the_firms_page(
    alice_client, consultant_client, consultant, partners
):
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    consultant_client.patch(url, {"status": "in_review"}, "application/json")

    introduction = Introduction.objects.get(pk=pk)
    # What the admin's change form does when only the notes were edited.
    introduction_move(introduction=introduction, status="in_review", notes="rang the yard twice", by=consultant)

    page = alice_client.get(f"/my/introductions/{pk}/").text
    assert page.count(": In review") == 1
    assert "rang the yard twice" not in page


def test_a_patch_of_the_notes_alone_keeps_the_status_as_the_schema_says_it_may(
    alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    consultant_client.patch(url, {"status": "in_review"}, "application/json")

    notes = consultant_client.patch(url, {"notes": "rang the yard twice"}, "application/json")

    assert notes.status_code == 200, notes.content
    assert (notes.json()["status"], notes.json()["notes"]) == ("in_review", "rang the yard twice")
    schema = consultant_client.get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/introductions/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "status" not in schema["components"]["schemas"][name].get("required", [])


def test_a_consultant_cannot_rewrite_the_firms_message_and_is_told_so_by_field(
    alice_client, consultant_client, partners, call
):
    pk = ask(alice_client, opportunity="usv-call").json()["id"]
    url = f"/api/v1/introductions/{pk}/"

    message = consultant_client.patch(
        url, {"message": "changed by consultant", "status": "in_review"}, "application/json"
    )
    asked_for = consultant_client.patch(
        url, {"company": "firm-b", "partner": "no-such-partner", "opportunity": None}, "application/json"
    )

    assert message.status_code == 400
    assert message.json() == {
        "message": [
            "This is the firm's own message and stays as it was sent: write to the firm in “reason”, or keep your "
            "own words in “notes”."
        ]
    }
    assert asked_for.status_code == 400
    assert asked_for.json() == dict.fromkeys(
        ("company", "partner", "opportunity"), ["A request keeps the firm, partner and opportunity it was made for."]
    )
    introduction = Introduction.objects.get(pk=pk)
    assert (introduction.message, introduction.status) == ("We build USVs and want a shipyard partner.", "requested")
    assert introduction.opportunity.slug == "usv-call"
    assert introduction.history.count() == 1  # nothing of either body was written
    japanese = consultant_client.patch(url, {"message": "x"}, "application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.json()["message"][0].startswith("これは企業自身のメッセージで")


def test_a_consultant_may_send_the_firms_message_back_unchanged_with_a_move(
    alice_client, consultant_client, partners, call
):
    pk = ask(alice_client, opportunity="usv-call").json()["id"]
    read = consultant_client.get(f"/api/v1/introductions/{pk}/").json()
    body = {name: read[name] for name in ("message", "company", "partner", "opportunity")}

    moved = consultant_client.patch(f"/api/v1/introductions/{pk}/", {**body, "status": "in_review"}, "application/json")

    as_asked = consultant_client.patch(f"/api/v1/introductions/{pk}/", {"partner": "shipyard-kk"}, "application/json")

    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_review"
    assert as_asked.status_code == 200, as_asked.content  # the slug the POST named it by


def test_the_workflow_refuses_skipped_steps_and_reasonless_declines(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"

    skip = consultant_client.patch(url, {"status": "introduced"}, "application/json")
    no_reason = consultant_client.patch(url, {"status": "declined"}, "application/json")
    unknown = consultant_client.patch(url, {"status": "done"}, "application/json")

    assert (skip.status_code, no_reason.status_code, unknown.status_code) == (400, 400, 400)
    assert set(skip.json()) == {"status"} and set(no_reason.json()) == {"reason"} and set(unknown.json()) == {"status"}
    assert skip.json()["status"] == ["A request that is “Requested” cannot become “Introduced”."]
    assert Introduction.objects.get(pk=pk).status == "requested"


def test_staff_cannot_move_their_own_request(alice_client, partners):
    pk = ask(alice_client).json()["id"]

    response = alice_client.patch(f"/api/v1/introductions/{pk}/", {"status": "introduced"}, "application/json")

    assert response.status_code == 403
    assert Introduction.objects.get(pk=pk).status == "requested"


def test_bob_sees_none_of_alices_requests(alice_client, bob_client, partners):
    pk = ask(alice_client).json()["id"]

    assert bob_client.get("/api/v1/introductions/").json()["count"] == 0
    assert bob_client.get(f"/api/v1/introductions/{pk}/").status_code == 404
    assert bob_client.get(f"/my/introductions/{pk}/").status_code == 404
    assert "Shipyard Kk" not in bob_client.get("/my/introductions/").content.decode()


def test_the_company_filter_lists_one_firms_requests_and_never_another_firms(
    alice_client, bob_client, consultant_client, partners
):
    ask(alice_client)
    ask(bob_client, company="firm-b")

    def firms(client, slug):
        body = client.get("/api/v1/introductions/", {"company": slug}).json()
        return [row["company"] for row in body["results"]]

    assert firms(consultant_client, "firm-a") == ["firm-a"]
    assert firms(consultant_client, "firm-b") == ["firm-b"]
    assert firms(alice_client, "firm-a") == ["firm-a"]
    assert firms(alice_client, "firm-b") == []  # bob's firm: the same empty list as a firm that does not exist
    assert firms(alice_client, "no-such-firm") == []


def test_anonymous_callers_cannot_ask(anon_client, partners):
    assert ask(anon_client).status_code in (401, 403)
    assert not Introduction.objects.exists()


def test_alice_asks_from_the_partner_page(alice_client, partners, call):
    page = alice_client.get("/partners/shipyard-kk/")
    sent = alice_client.post(
        "/partners/shipyard-kk/introduce/",
        {"company": "firm-a", "opportunity": "usv-call", "message": "Please introduce us."},
    )
    empty = alice_client.post("/partners/shipyard-kk/introduce/", {"company": "firm-a", "message": ""})

    assert "Ask for an introduction" in page.content.decode()
    introduction = Introduction.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/my/introductions/{introduction.pk}/"
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    listing = alice_client.get("/my/introductions/").content.decode()
    assert "Shipyard Kk" in listing and "Requested" in listing


def test_a_member_of_one_firm_finds_it_chosen_on_the_form(alice_client, partners):
    form = alice_client.get("/partners/shipyard-kk/").context["form"]

    assert form["company"].value() == "firm-a"
    assert len(form.fields["company"].choices) == 1  # no empty "---------" choice to submit by mistake


def test_consultants_work_the_queue_in_the_admin(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]

    queue = consultant_client.get("/admin/partners/introduction/?status__exact=requested")
    moved = consultant_client.post(
        "/admin/partners/introduction/", {"action": "start_review", "_selected_action": [pk]}
    )

    assert queue.status_code == 200 and "Shipyard Kk" in queue.content.decode()
    assert moved.status_code == 302
    assert Introduction.objects.get(pk=pk).status == "in_review"


def test_a_decline_without_a_reason_in_the_admin_keeps_what_was_typed_and_names_the_reason(
    alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]

    response = consultant_client.post(
        f"/admin/partners/introduction/{pk}/change/", {"status": "declined", "reason": "", "notes": "rang twice"}
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"reason": ["Give the firm a reason for declining."]}
    assert (form["status"].value(), form["notes"].value()) == ("declined", "rang twice")
    assert Introduction.objects.get(pk=pk).status == "requested"


def test_saving_a_request_unchanged_in_the_admin_writes_no_history_and_keeps_its_date(
    alice_client, consultant_client, partners
):
    from tests.programmes.test_admin import _form_data

    pk = ask(alice_client).json()["id"]
    url = f"/admin/partners/introduction/{pk}/change/"
    consultant_client.post(url, {"status": "in_review", "reason": "Asking the yard.", "notes": "rang once"})
    before = Introduction.objects.get(pk=pk)
    rows = before.history.count()

    saved = consultant_client.post(url, _form_data(consultant_client.get(url)))
    patched = consultant_client.patch(
        f"/api/v1/introductions/{pk}/", {"reason": "Asking the yard.", "notes": "rang once"}, "application/json"
    )

    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    assert patched.status_code == 200
    after = Introduction.objects.get(pk=pk)
    assert after.history.count() == rows == 2  # "Requested", "Moved to in review": no "Edited" naming nothing
    assert after.updated_at == before.updated_at == parse_datetime(patched.json()["updated_at"])
    history = consultant_client.get(f"/admin/partners/introduction/{pk}/history/").text
    assert "Edited" not in history


def test_the_admin_offers_only_the_statuses_a_request_may_move_to(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]

    def offered() -> list[str]:
        form = consultant_client.get(f"/admin/partners/introduction/{pk}/change/").context["adminform"].form
        return [value for value, _label in form.fields["status"].widget.choices]

    requested = offered()
    Introduction.objects.filter(pk=pk).update(status="in_review")
    in_review = offered()
    Introduction.objects.filter(pk=pk).update(status="introduced")

    assert requested == ["requested", "in_review", "declined"]  # not "introduced", which the save would refuse
    assert in_review == ["in_review", "introduced", "declined"]
    assert offered() == ["introduced"]


def test_the_admin_refuses_a_skipped_step_with_the_words_the_api_uses(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]  # requested: introducing it skips the review

    admin = consultant_client.post(
        f"/admin/partners/introduction/{pk}/change/", {"status": "introduced", "reason": "", "notes": "rang twice"}
    )
    api = consultant_client.patch(f"/api/v1/introductions/{pk}/", {"status": "introduced"}, "application/json")

    assert admin.status_code == 200
    words = "A request that is “Requested” cannot become “Introduced”."
    assert admin.context["adminform"].form.errors == {"status": [words]}
    assert api.json() == {"status": [words]}
    assert "is not one of the available choices" not in admin.content.decode()
    assert Introduction.objects.get(pk=pk).status == "requested"


def test_a_notes_only_edit_of_a_declined_request_keeps_the_reason_the_firm_was_given(
    alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    consultant_client.patch(url, {"status": "declined", "reason": "The yard builds no USVs."}, "application/json")

    notes = consultant_client.patch(url, {"notes": "asked again by phone"}, "application/json")
    same_status = consultant_client.patch(url, {"status": "declined", "notes": "and by mail"}, "application/json")

    assert notes.status_code == 200, notes.content
    assert same_status.status_code == 200, same_status.content
    body = same_status.json()
    assert (body["status"], body["reason"], body["notes"]) == ("declined", "The yard builds no USVs.", "and by mail")
    page = alice_client.get(f"/my/introductions/{pk}/").text
    assert "The yard builds no USVs." in page and "by mail" not in page


def test_the_database_refuses_a_second_open_request_written_around_the_service(firm_a, alice, partners):
    from django.db import IntegrityError, transaction

    Introduction.objects.create(company=firm_a, partner=partners["shipyard"], message="one", requested_by=alice)

    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.create(company=firm_a, partner=partners["shipyard"], message="two", requested_by=alice)
    Introduction.objects.create(
        company=firm_a, partner=partners["shipyard"], message="closed", status="declined", requested_by=alice
    )
    assert Introduction.objects.count() == 2


def test_the_request_page_speaks_japanese(alice_client, partners):
    pk = ask(alice_client).json()["id"]

    page = alice_client.get(f"/ja/my/introductions/{pk}/").content.decode()

    assert "依頼済み" in page and "への紹介" in page


@pytest.mark.django_db(transaction=True)
def test_a_move_whose_email_cannot_be_queued_leaves_the_request_as_it_was(alice_client, consultant_client, partners):
    """The move, its history row and its email are one transaction (on PostgreSQL the row lock needs one, too)."""
    from unittest import mock

    pk = ask(alice_client).json()["id"]

    with mock.patch("partners.services.introduction_moved_emails", side_effect=RuntimeError("outbox down")):
        with pytest.raises(RuntimeError):
            consultant_client.patch(f"/api/v1/introductions/{pk}/", {"status": "in_review"}, "application/json")

    assert Introduction.objects.get(pk=pk).status == "requested"
    assert (
        consultant_client.patch(f"/api/v1/introductions/{pk}/", {"status": "in_review"}, "application/json").status_code
        == 200
    )


def test_the_queues_history_names_each_move_in_the_consultants_language_with_the_reason_typed(
    alice_client, consultant_client, partners, call
):
    pk = ask(alice_client, opportunity="usv-call").json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    consultant_client.patch(url, {"status": "in_review"}, "application/json")
    long_reason = "The yard builds only for the MSDF this year and takes no foreign partners. " * 5
    declined = consultant_client.patch(url, {"status": "declined", "reason": long_reason}, "application/json")

    assert declined.status_code == 200  # a reason longer than the history column is cut there, not refused
    history = f"/admin/partners/introduction/{pk}/history/"
    english = consultant_client.get(history).text
    assert "Moved to in review" in english
    assert "Moved to declined: The yard builds only for the MSDF" in english
    japanese = consultant_client.get(f"/ja{history}").text
    assert "「確認中」に変更" in japanese
    assert "「見送り」に変更：The yard builds only for the MSDF" in japanese
    assert "Moved to" not in japanese
    assert "<strong>状態：</strong>" in japanese  # the field, too, in Japanese
    assert "Firm A → 造船（見送り）" in japanese  # the request's name: the partner's Japanese name and status
    assert alice_client.get(url).json()["reason"] == long_reason.strip()  # the firm still reads it whole


def test_the_admin_history_keeps_a_long_reason_whole_in_the_rows_changes_or_the_version_it_links(
    alice_client, consultant_client, partners
):
    """The row's reason column holds 100 characters and ends a longer one with "…"; nothing is lost there: the
    row's changes show the reason whole up to 1,000 characters, and past that the row's version page does."""
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    words = " ".join(f"word{n:04d}" for n in range(180))  # 1,619 characters, each word told apart
    declined = consultant_client.patch(url, {"status": "declined", "reason": words[:539]}, "application/json")
    edited = consultant_client.patch(url, {"reason": words}, "application/json")

    history = consultant_client.get(f"/admin/partners/introduction/{pk}/history/").text
    latest = f"/admin/partners/introduction/{pk}/history/{Introduction.history.filter(id=pk).latest().history_id}/"
    version = consultant_client.get(latest).text

    assert declined.status_code == edited.status_code == 200
    assert "Moved to declined: word0000" in history and "word0008…" in history  # the column, cut and saying so
    assert words[:539] in history  # the decline's reason, whole in the row's changes
    assert words not in history and re.search(r"\[\d+ chars\]", history)  # past 1,000, a mark says what is left out
    assert f'href="{latest}"' in history and words in version


def test_the_japanese_admin_says_a_request_was_changed_in_japanese_quotes(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]

    response = consultant_client.post(
        f"/ja/admin/partners/introduction/{pk}/change/",
        {"status": "in_review", "reason": "", "notes": "call the yard"},
        follow=True,
    )

    said = [re.sub(r"<[^>]+>", "", str(message)) for message in response.context["messages"]]  # the name links
    assert said == ["紹介依頼「Firm A → 造船（確認中）」を変更しました。"]


def test_the_queue_names_who_asked_without_a_link_consultants_could_not_open(
    alice, alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]

    page = consultant_client.get(f"/admin/partners/introduction/{pk}/change/").text

    assert "alice" in page
    assert f"/admin/auth/user/{alice.pk}/change/" not in page


def test_consultants_cannot_delete_introduction_requests_so_the_firms_history_stays(
    alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]

    deleted = consultant_client.post(f"/admin/partners/introduction/{pk}/delete/", {"post": "yes"})
    queue = consultant_client.get("/admin/partners/introduction/")

    assert deleted.status_code == 403 and Introduction.objects.filter(pk=pk).exists()
    assert "delete_selected" not in queue.text
    assert consultant_client.get(f"/admin/partners/introduction/{pk}/delete/").status_code == 403


def test_the_api_gives_a_request_the_status_history_its_page_shows(
    alice_client, consultant_client, consultant, partners
):
    pk = ask(alice_client).json()["id"]
    url = f"/api/v1/introductions/{pk}/"
    consultant_client.patch(url, {"status": "in_review"}, "application/json")
    introduction_move(introduction=Introduction.objects.get(pk=pk), status="in_review", notes="rang", by=consultant)
    consultant_client.patch(url, {"status": "declined", "reason": "The yard is full."}, "application/json")

    one = alice_client.get(url).json()
    listed = alice_client.get("/api/v1/introductions/").json()["results"][0]

    steps = [(step["status"], step["reason"]) for step in one["status_history"]]
    assert steps == [("requested", ""), ("in_review", ""), ("declined", "The yard is full.")]
    assert listed["status_history"] == one["status_history"]
    assert all(step["changed_at"] for step in one["status_history"])
    assert "rang" not in str(one)


@pytest.mark.parametrize("count", [2, 20])
def test_the_introductions_list_takes_the_same_queries_at_2_and_20_requests(
    alice_client, consultant_client, partners, django_assert_num_queries, count
):
    from tests.partners.conftest import make_partner

    while Introduction.objects.count() < count:  # each asked through the API, so each has its status history
        partner = make_partner(f"yard-{Introduction.objects.count()}", role="prime", areas={})
        assert ask(alice_client, partner=partner.slug).status_code == 201

    # session, user, the consultant check (groups), count, the page with its firms, partners and records, and the
    # status history of the whole page
    with django_assert_num_queries(6):
        response = consultant_client.get("/api/v1/introductions/?page_size=20")

    assert response.status_code == 200 and len(response.json()["results"]) == count


def test_a_consultants_english_decline_reason_is_marked_in_english_on_the_japanese_page(
    alice_client, consultant_client, partners
):
    pk = ask(alice_client).json()["id"]
    reason = "The partner is not taking new suppliers this year."
    body = {"status": "declined", "reason": reason}
    assert consultant_client.patch(f"/api/v1/introductions/{pk}/", body, "application/json").status_code == 200

    page = alice_client.get(f"/ja/my/introductions/{pk}/").content.decode()
    section = page.split("コンサルタントから")[1].split("</p>")[0]

    assert f'<p lang="en">{reason} <span class="badge badge-english" lang="ja">英語</span>' in section
    english = alice_client.get(f"/my/introductions/{pk}/").content.decode()
    assert "badge-english" not in english


def test_a_consultant_starting_review_of_a_request_already_in_review_is_told_it_was_left(
    alice_client, consultant_client, partners
):
    first = ask(alice_client).json()["id"]
    second = ask(alice_client, partner="it-prime").json()["id"]
    consultant_client.post("/admin/partners/introduction/", {"action": "start_review", "_selected_action": [first]})

    moved = consultant_client.post(
        "/ja/admin/partners/introduction/", {"action": "start_review", "_selected_action": [first, second]}, follow=True
    )
    said = [str(message) for message in moved.context["messages"]]

    assert said[-2:] == [  # after the first action's own message, not yet shown
        "1 件の依頼を確認中にしました。",
        "1件の依頼はすでに「依頼済み」より先に進んでいたため、そのままにしました。",  # said nothing of it before
    ]
    assert set(Introduction.objects.values_list("status", flat=True)) == {"in_review"}


def test_the_request_page_names_a_withdrawn_record_without_a_link_the_firm_could_not_open(alice_client, partners, call):
    pk = ask(alice_client, opportunity="usv-call").json()["id"]
    page = f"/my/introductions/{pk}/"
    assert f'href="{call.get_absolute_url()}"' in alice_client.get(page).content.decode()

    call.status = call.Status.DRAFT
    call.save()

    html = alice_client.get(page).content.decode()
    assert alice_client.get(call.get_absolute_url()).status_code == 404
    assert f'href="{call.get_absolute_url()}"' not in html
    assert "USV call (no longer published)" in html


def test_a_consultant_reads_the_firms_message_where_the_firm_reads_its_own(alice_client, consultant_client, partners):
    pk = ask(alice_client).json()["id"]
    page = f"/my/introductions/{pk}/"

    assert "<h2>Your message</h2>" in alice_client.get(page).content.decode()
    html = consultant_client.get(page).content.decode()
    assert "<h2>The firm&#x27;s message</h2>" in html or "<h2>The firm's message</h2>" in html
    assert "Your message" not in html
