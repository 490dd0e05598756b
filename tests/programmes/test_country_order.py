"""The eligible-country filter lists countries in the reader's order: by English name, or on /ja/ by the reading of
the Japanese name (あいうえお順)."""


def country_names(response) -> list[str]:
    return [str(name) for code, name in response.context["form"].fields["eligible_country"].choices if code]


def test_the_japanese_listing_lists_countries_by_their_japanese_reading(anon_client, db):
    names = country_names(anon_client.get("/ja/opportunities/"))
    assert names[:4] == ["アイスランド", "アイルランド", "アゼルバイジャン", "アフガニスタン"]
    position = {name: n for n, name in enumerate(names)}
    # Names that begin with kanji sit where they are read: 中国 (ちゅうごく) among the チ names, 日本 (にほん) after
    # ニジェール, アメリカ合衆国 among the ア names.
    assert position["チャド"] < position["中国"] < position["チュニジア"]
    assert position["ニジェール"] < position["日本"] < position["ニュージーランド"]
    assert position["アメリカ合衆国"] < position["アルバニア"]
    assert len(names) == len(set(names)) == 249


def test_the_english_listing_keeps_the_english_order(anon_client, db):
    names = country_names(anon_client.get("/opportunities/"))
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]


def test_the_japanese_firms_listing_names_and_orders_countries_in_japanese(consultant_client, db):
    response = consultant_client.get("/ja/companies/")
    names = [str(name) for code, name in response.context["filterset"].form.fields["country"].choices if code]
    assert names[0] == "アイスランド" and "日本" in names


def test_countries_have_their_common_english_names_in_order(anon_client, db):
    names = country_names(anon_client.get("/opportunities/"))
    assert "Naoero" not in names and "Bahamas (The)" not in names
    assert names.index("Namibia") < names.index("Nauru") < names.index("Nepal")
    assert names.index("Azerbaijan") < names.index("Bahamas") < names.index("Bahrain")
    japanese = country_names(anon_client.get("/ja/opportunities/"))
    assert "ナウル" in japanese and "バハマ" in japanese
