"""The notification settings page: frequency, language, kinds, the Atom feed link and unsubscribe-all."""

import re

import pytest

from alerts.digests import due_user_ids
from alerts.models import NotificationSettings
from alerts.searches import saved_search_create
from portal.models import SecretLink
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/my/notifications/"
FORM = {"frequency": "weekly", "language": "ja", "saved_searches": "on", "matches": "on", "notices": "on"}


def test_the_page_shows_the_defaults_in_english_and_japanese(alice_client):
    english = alice_client.get(URL)
    japanese = alice_client.get(f"/ja{URL}")

    assert english.status_code == japanese.status_code == 200
    assert b"<h1>Notifications</h1>" in english.content
    assert re.search(r'<input type="radio" name="frequency" value="daily"[^>]* checked', english.content.decode())
    assert "<h1>通知</h1>" in japanese.content.decode()
    assert "知らせてほしいこと" in japanese.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    assert anon_client.get(URL)["Location"].startswith("/accounts/login/")


def test_saving_the_form_changes_what_the_user_receives(alice, alice_client):
    response = alice_client.post(URL, FORM)

    settings = NotificationSettings.objects.get(user=alice)
    assert response.status_code == 302
    assert (settings.frequency, settings.language) == ("weekly", "ja")
    assert (settings.saved_searches, settings.followed, settings.matches, settings.deadlines, settings.notices) == (
        True, False, True, False, True,
    )  # fmt: skip


def test_a_bad_frequency_is_shown_on_the_form_and_nothing_changes(alice, alice_client):
    response = alice_client.post(URL, {**FORM, "frequency": "hourly"})

    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert NotificationSettings.objects.get(user=alice).frequency == "daily"


def test_the_feed_link_is_shown_once_rotated_and_revoked(alice, alice_client, anon_client):
    first = alice_client.post(f"{URL}feed/")
    url = re.search(r"https?://[^\"<]+\.atom\?token=[\w-]+", first.content.decode())[0]
    path = url.split("kakehashi.example", 1)[-1] if "kakehashi.example" in url else "/" + url.split("/", 3)[3]

    assert anon_client.get(path).status_code == 200
    assert url not in alice_client.get(URL).content.decode()  # shown only when made

    second = alice_client.post(f"{URL}feed/")
    new_url = re.search(r"https?://[^\"<]+\.atom\?token=[\w-]+", second.content.decode())[0]
    assert new_url != url
    assert anon_client.get(path).status_code == 404  # the old link stopped working
    new_path = "/" + new_url.split("/", 3)[3]
    assert anon_client.get(new_path).status_code == 200

    alice_client.post(f"{URL}feed/revoke/")
    assert anon_client.get(new_path).status_code == 404
    assert not SecretLink.objects.active().filter(user=alice, purpose="feed").exists()


def test_unsubscribe_all_stops_digests_and_reminders(alice, alice_client):
    alice_client.post(f"{URL}unsubscribe-all/")

    settings = NotificationSettings.objects.get(user=alice)
    assert (settings.frequency, settings.deadlines) == ("off", False)
    assert b"You will receive no more email from Kakehashi." in alice_client.get(URL).content


def test_settings_first_made_on_a_japanese_page_are_in_japanese(alice, alice_client):
    alice_client.get(f"/ja{URL}")

    assert NotificationSettings.objects.get(user=alice).language == "ja"


def test_a_user_with_no_email_is_told_and_asks_for_one_there(alice, alice_client):
    alice.email = ""
    alice.save()
    assert "no digest or reminder can reach you" in alice_client.get(URL).text

    response = alice_client.post("/my/notifications/email/", {"email": " alice@firm-a.example "})

    assert response.status_code == 302
    page = alice_client.get(URL).text
    assert "We sent a link to alice@firm-a.example." in page  # tests/alerts/test_email_confirmation.py follows it
    assert "no digest or reminder can reach you" in page


def test_a_bad_address_is_refused_beside_the_field_and_the_old_one_kept(alice, alice_client):
    kept = alice.email

    response = alice_client.post("/my/notifications/email/", {"email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    alice.refresh_from_db()
    assert alice.email == kept


def test_setting_an_address_needs_sign_in(anon_client):
    assert anon_client.post("/my/notifications/email/", {"email": "x@example.org"})["Location"].startswith(
        "/accounts/login/"
    )


def test_an_address_another_account_uses_is_never_made_this_accounts(alice, alice_client):
    UserFactory(username="someone", email="someone@elsewhere.example")
    kept = alice.email

    response = alice_client.post("/my/notifications/email/", {"email": "Someone@elsewhere.example"})

    assert response.status_code == 302  # answered as any address, so the form does not say who has an account
    alice.refresh_from_db()
    assert alice.email == kept


def test_the_user_admin_refuses_an_address_another_account_uses(alice):
    from django.test import Client

    from tests.programmes.test_admin import _form_data

    UserFactory(username="someone", email="someone@elsewhere.example")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = f"/admin/auth/user/{alice.pk}/change/"
    data = _form_data(admin.get(url)) | {"email": "SOMEONE@elsewhere.example"}

    response = admin.post(url, data)

    assert response.status_code == 200
    assert "Another account already uses this email address." in response.text
    alice.refresh_from_db()
    assert alice.email != "SOMEONE@elsewhere.example"


def test_each_saved_search_says_how_often_it_is_emailed_and_can_be_changed(alice, alice_client):
    alice_client.post(URL, FORM | {"language": "en"})  # a weekly digest
    search = saved_search_create(user=alice, name="USV calls", query="kind=call", frequency="daily")

    english = alice_client.get(URL).content.decode()
    japanese = alice_client.get(f"/ja{URL}").content.decode()

    table = english[english.index('id="saved-searches"') :]
    assert "How often new results are emailed" in table and ">Sent<" not in table
    assert '<option value="daily" selected>Daily</option>' in table
    assert "Each saved search has its own frequency, whatever you choose for the digest above" in english
    assert "保存した検索はそれぞれ独自の頻度で届きます" in japanese and "新着結果をメールする頻度" in japanese
    assert due_user_ids("daily") == [alice.pk]  # the daily search still sends a daily email, as the page says

    response = alice_client.post(f"/my/saved-searches/{search.pk}/frequency/", {"frequency": "weekly"}, follow=True)

    search.refresh_from_db()
    assert search.frequency == "weekly"
    assert "“USV calls” is now emailed: Weekly." in response.content.decode()
    assert '<option value="weekly" selected>Weekly</option>' in response.content.decode()
    assert due_user_ids("daily") == [] and due_user_ids("weekly") == [alice.pk]


def test_nobody_changes_another_users_saved_search(alice, bob_client):
    search = saved_search_create(user=alice, name="USV calls", query="kind=call", frequency="daily")

    assert bob_client.post(f"/my/saved-searches/{search.pk}/frequency/", {"frequency": "weekly"}).status_code == 404
    search.refresh_from_db()
    assert search.frequency == "daily"


def test_the_japanese_settings_page_ends_its_sentences_with_a_japanese_full_stop(alice_client):
    text = alice_client.get("/ja/my/notifications/").content.decode()
    assert "保存した検索を見る</a>。" in text and "保存した検索を見る</a>." not in text


def test_after_unsubscribing_from_all_the_page_says_what_is_off_and_that_reminders_stay_off(alice, alice_client):
    alice_client.post(f"{URL}unsubscribe-all/")

    page = alice_client.get(URL).content.decode()
    assert "Off now: digests and deadline reminders." in page

    # The digest turned on again, the reminders' box left as the unsubscribe left it (unticked).
    again = alice_client.post(URL, {**FORM, "frequency": "daily", "language": "en"}, follow=True).content.decode()

    assert "Deadline reminders are still off: tick them to get them again." in again
    assert "Off now: deadline reminders." in again
    settings = NotificationSettings.objects.get(user=alice)
    assert (settings.frequency, settings.deadlines) == ("daily", False)


def test_nothing_is_said_off_when_everything_is_on(alice_client):
    assert "Off now" not in alice_client.get(URL).content.decode()
    response = alice_client.post(URL, {**FORM, "deadlines": "on"}, follow=True).content.decode()
    assert "still off" not in response and "Off now" not in response


def test_a_user_of_no_firm_is_not_offered_alerts_about_my_firm(consultant_client, alice_client):
    english = kinds_offered(consultant_client.get(URL).text, "Tell me about")
    japanese = kinds_offered(consultant_client.get(f"/ja{URL}").text, "知らせてほしいこと")

    assert "Notices affecting the country or areas of a firm I belong to" in english
    assert "my firm" not in english
    assert "所属する会社の国や分野に関わるお知らせ" in japanese
    assert "自社" not in japanese
    mine = kinds_offered(alice_client.get(URL).text, "Tell me about")
    assert "Notices affecting my firm&#x27;s country or areas" in mine  # its staff: their own


def kinds_offered(page: str, legend: str) -> str:
    """The "Tell me about" fieldset of the page, headed LEGEND."""
    return page.split(f"<legend>{legend}</legend>", 1)[1].split("</fieldset>", 1)[0]
