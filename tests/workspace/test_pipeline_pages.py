"""A firm's pipeline pages: Follow and Pursue, the board by stage, moving cards, the entry page and its history,
the CSV export, and who may see or change what."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from tests.factories import CallFactory, MatchFactory, UserFactory
from workspace.models import PipelineEntry
from workspace.services import pipeline_entry_save

BOARD = "/workspace/firm-a/pipeline/"


@pytest.fixture
def call(db):
    return CallFactory(slug="laser-call", title="High-power laser call")


def entry_url(slug: str, suffix: str = "") -> str:
    return f"/workspace/firm-a/pipeline/{slug}/{suffix}"


def test_follow_from_the_listing_adds_a_watching_entry_due_on_the_deadline(alice_client, firm_a, call):
    response = alice_client.post(entry_url("laser-call", "set/"), {"stage": "watching", "next": "/opportunities/"})

    assert response.status_code == 302
    assert response["Location"] == "/opportunities/"
    entry = PipelineEntry.objects.get(company=firm_a, opportunity=call)
    assert entry.stage == "watching"
    assert entry.due_on == call.closes_on
    listing = alice_client.get("/opportunities/")
    assert "In pipeline: Watching" in listing.text


def test_a_button_pressed_over_https_never_sends_the_browser_back_over_plain_http(alice_client, firm_a, call):
    posted = {"stage": "watching", "next": "http://testserver/opportunities/"}

    response = alice_client.post(entry_url("laser-call", "set/"), posted, secure=True)

    assert response.status_code == 302
    assert response["Location"] == BOARD  # the board, not a step down from https to http
    assert PipelineEntry.objects.get(company=firm_a, opportunity=call).stage == "watching"
    kept = alice_client.post(
        entry_url("laser-call", "set/"), {**posted, "next": "https://testserver/opportunities/"}, secure=True
    )
    assert kept["Location"] == "https://testserver/opportunities/"


def test_listing_and_detail_offer_follow_and_pursue(alice_client, call):
    for page in ("/opportunities/", "/opportunities/laser-call/"):
        text = alice_client.get(page).text
        assert '<button type="submit">Follow</button>' in text, page
        assert '<button type="submit">Pursue</button>' in text, page


def test_pursue_then_move_the_card_without_javascript(alice_client, alice, firm_a, call):
    alice_client.post(entry_url("laser-call", "set/"), {"stage": "pursuing"})
    board = alice_client.get(BOARD)
    columns = {column.stage: [e.opportunity.slug for e in column.entries] for column in board.context["columns"]}
    assert columns["pursuing"] == ["laser-call"]
    assert 'id="move-laser-call"' in board.text

    alice_client.post(entry_url("laser-call", "set/"), {"stage": "submitted"})

    entry = PipelineEntry.objects.get(company=firm_a, opportunity=call)
    assert entry.stage == "submitted"
    history = list(entry.history.order_by("history_date").values_list("stage", "history_user__username"))
    assert history == [("pursuing", "alice"), ("submitted", "alice")]
    page = alice_client.get(entry_url("laser-call"))
    assert "added to the pipeline" in page.text and "Submitted" in page.text
    japanese = alice_client.get("/ja" + entry_url("laser-call")).text
    assert "<td>Stage: Pursuing → Submitted</td>" in page.text  # what the change did, not just "changed"
    assert "<td>パイプラインに追加</td>" in japanese and "→" in japanese
    assert "added to the pipeline" not in japanese and "変更者" in japanese


def test_moving_a_card_by_script_answers_json(alice_client, call):
    response = alice_client.post(entry_url("laser-call", "set/"), {"stage": "won"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"opportunity": "laser-call", "stage": "won"}
    bad = alice_client.post(entry_url("laser-call", "set/"), {"stage": "dreaming"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert "stage" in bad.json()


def test_entry_form_sets_owner_due_date_and_notes(alice_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)
    due = timezone.localdate() + datetime.timedelta(days=5)
    form = {"stage": "preparing", "owner": alice.pk, "due_on": due.isoformat(), "notes": "Ask Ken"}
    response = alice_client.post(entry_url("laser-call"), form)
    assert response.status_code == 302
    entry = PipelineEntry.objects.get(company=firm_a, opportunity=call)
    assert (entry.stage, entry.owner, entry.due_on, entry.notes) == ("preparing", alice, due, "Ask Ken")


def test_owner_must_be_the_firms_staff(alice_client, alice, bob, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)
    response = alice_client.post(entry_url("laser-call"), {"stage": "preparing", "owner": bob.pk})
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert PipelineEntry.objects.get(company=firm_a).owner is None


def test_a_viewer_reads_the_board_but_cannot_change_it(carol, alice, firm_a, call, client):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="pursuing")
    client.force_login(carol)
    board = client.get(BOARD)
    assert board.status_code == 200
    assert "High-power laser call" in board.text
    assert 'id="move-laser-call"' not in board.text

    assert client.post(entry_url("laser-call", "set/"), {"stage": "won"}).status_code == 403
    assert client.post(entry_url("laser-call", "delete/")).status_code == 403
    assert PipelineEntry.objects.get(company=firm_a).stage == "pursuing"


def test_another_firm_gets_404_everywhere(bob_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice, notes="alice-secret-note")
    for url in (BOARD, BOARD + "export.csv", entry_url("laser-call")):
        response = bob_client.get(url)
        assert response.status_code == 404, url
        assert "alice-secret-note" not in response.text
    for url in (entry_url("laser-call", "set/"), entry_url("laser-call", "delete/")):
        assert bob_client.post(url, {"stage": "won"}).status_code == 404, url
    assert PipelineEntry.objects.get(company=firm_a).stage == "watching"


def test_a_consultant_sees_any_firms_pipeline(consultant_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)
    assert "High-power laser call" in consultant_client.get(BOARD).text


def test_the_board_links_staff_to_their_matches_and_a_consultant_to_the_firms_profile(
    consultant_client, alice_client, alice, firm_a, call
):
    mine = alice_client.get(BOARD).text
    theirs = consultant_client.get(BOARD).text

    assert 'href="/my/matches/?company=firm-a"' in mine
    assert "/my/matches/?company=" not in theirs and 'href="/companies/firm-a/"' in theirs
    assert consultant_client.get("/companies/firm-a/").status_code == 200


def test_delete_takes_the_record_off_the_board(alice_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)
    alice_client.post(entry_url("laser-call", "delete/"))
    assert not PipelineEntry.objects.filter(company=firm_a).exists()


def test_csv_export_is_safe_to_open_in_a_spreadsheet(alice_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice, notes='=HYPERLINK("http://evil.example","x")')
    response = alice_client.get(BOARD + "export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["opportunity", "title", "stage", "owner"]
    assert rows[1][0] == "laser-call"
    assert rows[1][6] == '\'=HYPERLINK("http://evil.example","x")'


def test_csv_export_under_ja_has_japanese_headers_title_and_stage(alice_client, alice, firm_a, call):
    call.title_ja = "高出力レーザー公募"
    call.save()
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="pursuing")
    response = alice_client.get("/ja" + BOARD + "export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["案件ID", "タイトル", "段階", "担当者", "期日", "締切", "メモ", "更新日時"]  # the form's words
    assert rows[1][:3] == ["laser-call", "高出力レーザー公募", "取り組み中"]
    assert rows[1][7].endswith("+09:00")  # Japan time, as the board shows it
    english = list(csv.reader(io.StringIO(alice_client.get(BOARD + "export.csv").content.decode("utf-8-sig"))))
    assert english[1][:3] == ["laser-call", "High-power laser call", "pursuing"]


def test_follow_and_pursue_on_my_matches(alice_client, firm_a, call):
    MatchFactory(company=firm_a, opportunity=call, score=70)
    text = alice_client.get("/my/matches/").text
    assert '<button type="submit">Pursue</button>' in text
    alice_client.post(entry_url("laser-call", "set/"), {"stage": "pursuing"})
    assert "In pipeline: Pursuing" in alice_client.get("/my/matches/").text


def test_a_draft_record_cannot_be_followed(alice_client):
    CallFactory(slug="draft-call", status="draft")
    assert alice_client.post(entry_url("draft-call", "set/"), {"stage": "watching"}).status_code == 404


def test_a_record_archived_after_it_was_pursued_is_marked_and_its_card_still_moves(alice_client, alice, firm_a, call):
    alice_client.post(entry_url("laser-call", "set/"), {"stage": "preparing"})
    call.status = "archived"
    call.save()

    board = alice_client.get(BOARD).text
    assert "No longer listed" in board and 'id="move-laser-call"' in board
    detail = alice_client.get(entry_url("laser-call"))
    assert detail.status_code == 200 and "No longer listed" in detail.text
    assert 'href="/opportunities/laser-call/"' not in detail.text  # that page answers 404 now

    response = alice_client.post(entry_url("laser-call", "set/"), {"stage": "lost"})

    assert response.status_code == 302
    assert PipelineEntry.objects.get(company=firm_a, opportunity=call).stage == "lost"


def test_an_archived_record_cannot_be_added_to_a_pipeline(alice_client, call):
    call.status = "archived"
    call.save()
    assert alice_client.post(entry_url("laser-call", "set/"), {"stage": "watching"}).status_code == 404
    assert not PipelineEntry.objects.exists()


@pytest.mark.parametrize("rows", [2, 20])
def test_pipeline_board_query_count_is_constant(alice_client, alice, firm_a, rows, django_assert_num_queries):
    owner = UserFactory(username="owner")
    firm_a.memberships.create(user=owner, role="editor")  # only editors own entries
    for _n in range(rows):
        pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice, owner=owner, stage="pursuing")
    # 1 session, 2 user, 3 the firm (visible_to: member of it), 4 consultant group check, 5 entries per stage,
    # 6 each column's first cards with their records and owners, 7 whether the user edits the firm's workspace,
    # 8 whether the user is the firm's staff (their matches) or looks after it (its profile)
    with django_assert_num_queries(8):
        response = alice_client.get(BOARD)
    pursuing = next(column for column in response.context["columns"] if column.stage == "pursuing")
    assert (pursuing.total, len(pursuing.entries)) == (rows, min(rows, 10))
    assert (f"{rows - 10} more" in response.text) == (rows > 10)


def test_a_long_column_has_its_own_pages(alice_client, alice, firm_a):
    for _n in range(25):
        pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice, stage="preparing")
    first = alice_client.get(BOARD, {"stage": "preparing"})
    assert len(first.context["columns"][0].entries) == 20
    assert "Page 1 of 2" in first.text
    second = alice_client.get(BOARD, {"stage": "preparing", "page": 2})
    assert len(second.context["columns"][0].entries) == 5


def test_the_board_speaks_japanese(alice_client, alice, firm_a, call):
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="pursuing")
    text = alice_client.get("/ja" + BOARD).text
    assert "Firm A のパイプライン" in text
    assert "注視中" in text and "取り組み中" in text and "移動先" in text


def test_a_stage_that_does_not_exist_shows_the_whole_board_and_says_why(alice_client, alice, firm_a, call):
    alice_client.post(entry_url("laser-call", "set/"), {"stage": "pursuing"})
    response = alice_client.get(BOARD, {"stage": "bogus"})
    assert response.status_code == 200 and "High-power laser call" in response.text
    assert "“bogus” is not a stage" in response.text
    assert "is not a stage" not in alice_client.get(BOARD, {"stage": "pursuing"}).text
    assert "「bogus」という段階はありません" in alice_client.get("/ja" + BOARD, {"stage": "bogus"}).text


def test_a_consultant_reads_the_board_as_the_firms_not_as_their_own(consultant_client, alice_client, firm_a):
    english = lede(consultant_client.get(BOARD).text)
    japanese = lede(consultant_client.get(f"/ja{BOARD}").text)

    assert english.startswith("The records Firm A follows and pursues, by stage. Its editors add them")
    assert "your firm" not in english.lower()
    assert japanese.startswith("Firm Aがフォロー・取り組み中の記録を段階別に表示します。同社の編集者")
    assert "自社" not in japanese
    assert lede(alice_client.get(BOARD).text).startswith("The records your firm follows")  # its staff: their own


def lede(page: str) -> str:
    """The text of the page's lede paragraph."""
    return page.split('<p class="lede">', 1)[1].split("</p>", 1)[0]
