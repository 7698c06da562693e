from ingest.furniture import strip_furniture
from tests.conftest import SEED


def test_seed_article_keeps_body_and_drops_latest_stories():
    raw = SEED.read_text(encoding="utf-8")
    clean = strip_furniture(raw)
    body_lines = raw.split("Latest Stories")[0].strip().split("\n")
    assert clean.split("\n") == body_lines  # every paragraph kept, verbatim, in order
    for furniture in ("Latest Stories", "Ghana", "46 minutes", "Sammy Gyamfi", "GPL 2024/25"):
        assert furniture not in clean


MADE_UP = """\
Share this article
Heavy rains flooded parts of Bamako on Tuesday, displacing hundreds of families, the civil protection agency said in a statement.
Advertisement
Officials said at least 12 people had died and that rescue teams were still searching the Niger river banks for missing residents.
Read more: Floods in the Sahel
The government announced an emergency fund of 2 billion CFA francs for the affected districts on Wednesday evening.
Related Articles
Senegal's new budget passes parliament
2 days ago
Burkina Faso suspends two radio stations
3 days ago
Niger junta names new cabinet
1 week ago
"""


def test_made_up_page_with_other_furniture():
    clean = strip_furniture(MADE_UP)
    assert clean.split("\n") == [
        "Heavy rains flooded parts of Bamako on Tuesday, displacing hundreds of families, the civil protection agency said in a statement.",
        "Officials said at least 12 people had died and that rescue teams were still searching the Niger river banks for missing residents.",
        "The government announced an emergency fund of 2 billion CFA francs for the affected districts on Wednesday evening.",
    ]


def test_timestamp_list_without_heading_is_removed():
    text = (
        "The talks in Algiers ended without agreement on Friday after three days of meetings between the parties.\n"
        "Mediators said they would try again next month with a new proposal on disarmament.\n"
        "Lions edge Stars in late thriller\n5 hours ago\n"
        "Markets rally on rate hopes\n6 hours ago\n"
    )
    assert strip_furniture(text) == (
        "The talks in Algiers ended without agreement on Friday after three days of meetings between the parties.\n"
        "Mediators said they would try again next month with a new proposal on disarmament."
    )


def test_article_without_furniture_is_unchanged():
    text = "One sentence about Mali that is long enough to count as a paragraph of prose here.\nAnother one follows it, just as long and just as ordinary as the first one was."
    assert strip_furniture(text) == text


def test_a_french_page_loses_its_headline_list_and_boilerplate():
    body = (
        "Les trois chauffeurs enlevés le 6 février près de Kébila ont été libérés mercredi dernier, a indiqué leur syndicat.\n"
        "Les transporteurs estiment leurs pertes à 2,5 milliards de francs CFA depuis le début du blocus."
    )
    page = (
        body + "\n\nPublicité\n\nPartager sur Facebook\n\nLes plus lus\n"
        "- Tabaski : les prix du mouton déjà en hausse à Bamako\n"
        "- Université : reprise des cours à la faculté de médecine\n\n© Le Courrier du Sahel 2025\n"
    )
    assert strip_furniture(page) == body
    listed = (
        body
        + "\nÀ lire aussi :\nMopti : le pont rouvert\nil y a 5 heures\nKayes : pluies\nil y a 2 jours\n"
    )
    assert strip_furniture(listed) == body
