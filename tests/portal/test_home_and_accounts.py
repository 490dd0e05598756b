"""The home page (what Kakehashi is, dates ahead, counts, search) and the sign-in, sign-out and password pages."""

from notices.models import Notice
from tests.factories import CallFactory, TechnologyAreaFactory
from tests.pages import days


def test_home_explains_kakehashi_and_offers_a_search_box(anon_client, db):
    text = anon_client.get("/").text
    assert "connects Australian and US dual-use technology firms" in text
    assert 'action="/opportunities/"' in text
    assert '<label for="home-q">Search opportunities</label>' in text


def test_home_lists_upcoming_deadlines_and_events(anon_client, world):
    response = anon_client.get("/")
    assert [o.title for o in response.context["deadlines"]] == ["High-power laser call", "Cyber defence call"]
    assert [o.title for o in response.context["events"]] == ["DSEI Japan"]
    assert "Closed sensor call" not in response.text


def test_home_counts_published_records_by_kind_and_area(anon_client, world):
    response = anon_client.get("/")
    kinds = {kind: count for kind, _label, count in response.context["kind_counts"]}
    assert kinds == {"hub": 1, "priority_area": 0, "event": 1, "programme": 0, "call": 3}
    areas = {area.slug: area.opportunity_count for area in response.context["area_counts"]}
    assert areas == {"directed-energy": 1, "cyber": 1}
    assert 'href="/opportunities/?kind=call">Call for proposals</a> <span>3</span>' in response.text


def test_home_query_count_does_not_grow_with_records(anon_client, areas, django_assert_num_queries):
    for n in range(20):
        CallFactory(closes_on=days(n + 1), areas=[areas["laser"]])
        notice = Notice.objects.create(slug=f"n{n}", title=f"N{n}", summary="S", dated_on=days(-n), status="published")
        notice.sources.create(url=f"https://example.org/{n}", publisher="P")
    # 1 upcoming deadlines, 2 upcoming events, 3 counts by kind (GROUP BY), 4 areas with subquery counts,
    # 5 the latest notices, 6 their sources
    with django_assert_num_queries(6):
        anon_client.get("/")


def test_header_links_depend_on_who_is_signed_in(anon_client, alice_client, consultant_client, db):
    anon = anon_client.get("/").text
    assert 'href="/accounts/login/?next=/"' in anon
    assert "My matches" not in anon
    alice = alice_client.get("/").text
    assert 'href="/my/matches/"' in alice
    assert 'href="/companies/"' in alice
    assert "Signed in as alice" in alice
    assert 'action="/accounts/logout/"' in alice  # sign-out is a POST form
    assert 'href="/admin/"' not in alice
    assert 'href="/admin/"' in consultant_client.get("/").text


def test_pages_are_accessible_without_javascript(anon_client, db):
    text = anon_client.get("/").text
    assert '<a class="skip-link" href="#main">' in text
    assert '<main id="main"' in text
    assert "<script>" not in text  # no inline scripts: a CSP without 'unsafe-inline' can follow
    assert '<script src="/static/js/kakehashi.js" defer></script>' in text
    assert 'style="' not in text


def test_sign_in_page_and_signing_in(client, alice):
    page = client.get("/accounts/login/?next=/my/matches/")
    assert '<label for="id_username">' in page.text
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery staple", "next": "/my/matches/"},
    )
    assert response.status_code == 302 and response["Location"] == "/my/matches/"


def test_wrong_password_is_reported(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text


def test_sign_out(alice_client):
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "Sign in" in alice_client.get("/").text


def test_password_change(alice_client, alice):
    page = alice_client.get("/accounts/password_change/")
    assert '<label for="id_old_password">' in page.text
    response = alice_client.post(
        "/accounts/password_change/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "a much longer new passphrase 42",
            "new_password2": "a much longer new passphrase 42",
        },
    )
    assert response.status_code == 302
    assert "Your password has been changed." in alice_client.get(response["Location"]).text
    alice.refresh_from_db()
    assert alice.check_password("a much longer new passphrase 42")


def test_japanese_sign_in_page(anon_client, db):
    text = anon_client.get("/ja/accounts/login/").text
    assert "<h1>サインイン</h1>" in text
    assert "ユーザー名" in text  # Django's own Japanese label for the username field


def test_partners_and_my_introductions_are_in_the_header(anon_client, alice_client, db):
    anon = anon_client.get("/").text
    assert '<a href="/partners/">Partners</a>' in anon
    assert 'href="/my/introductions/"' not in anon

    alice = alice_client.get("/my/introductions/").text
    assert '<a href="/my/introductions/" aria-current="page">My introductions</a>' in alice
    assert '<a href="/partners/">Partners</a>' in alice

    japanese = alice_client.get("/ja/partners/").text
    assert '<a href="/ja/partners/" aria-current="page">パートナー</a>' in japanese
    assert '<a href="/ja/my/introductions/">紹介依頼</a>' in japanese


def test_on_ja_areas_with_the_same_count_follow_the_reading_of_their_japanese_names(anon_client, db):
    # Ties by English name put Integrated air and missile defence before Sustainment, and Quantum before Uncrewed
    # ground vehicles; a Japanese reader looks up 持続性 (じぞくせい) before 統合防空 (とうごうぼうくう), and
    # 無人地上車両 (むじんちじょう) before 量子技術 (りょうし).
    named = [
        ("iamd", "Integrated air and missile defence", "統合防空ミサイル防衛", "とうごうぼうくうみさいるぼうえい"),
        ("sustainment", "Sustainment", "持続性・強靱性", "じぞくせいきょうじんせい"),
        ("quantum", "Quantum", "量子技術", "りょうしぎじゅつ"),
        ("ugv", "Uncrewed ground vehicles", "無人地上車両（UGV）", "むじんちじょうしゃりょう"),
    ]
    areas = {
        slug: TechnologyAreaFactory(slug=slug, name=name, name_ja=name_ja, name_kana=kana)
        for slug, name, name_ja, kana in named
    }
    for slug, records in (("iamd", 2), ("sustainment", 2), ("quantum", 1), ("ugv", 1)):
        for _ in range(records):
            CallFactory(closes_on=days(30), areas=[areas[slug]])

    english = [area.slug for area in anon_client.get("/").context["area_counts"]]
    japanese = [area.slug for area in anon_client.get("/ja/").context["area_counts"]]

    assert english == ["iamd", "sustainment", "quantum", "ugv"]
    assert japanese == ["sustainment", "iamd", "ugv", "quantum"]
