import json

import pytest

from rag.analysis.models import SentenceClaim
from rag.analysis.numbers import parse_digits, parse_number
from rag.analysis.storage import CLAIMS_VERSION, claims_within, dumps_claims, loads_claims


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("1,200", "en", 1200.0),
        ("2.5", "en", 2.5),
        ("2.5 million", "en", 2_500_000.0),
        ("forty-seven", "en", 47.0),
        ("twenty three", "en", 23.0),
        ("1 200", "fr", 1200.0),
        ("1\u202f200", "fr", 1200.0),
        ("1.200", "fr", 1200.0),
        ("2,5", "fr", 2.5),
        ("2,5 millions", "fr", 2_500_000.0),
        ("quarante-sept", "fr", 47.0),
        ("vingt et un", "fr", 21.0),
        ("deux cents", "fr", 200.0),
        ("soldiers", "en", None),
    ],
)
def test_parse_number(text, language, value):
    assert parse_number(text, language) == value


def test_parse_digits_rejects_words():
    assert parse_digits("abc", "en") is None


def test_claims_round_trip_through_compact_json():
    text = "Wagner said it had lost 84 men. Dozens were killed."
    claims = [
        SentenceClaim.model_validate(
            {
                "start": 0,
                "end": 31,
                "text": text[0:31],
                "speaker": {"text": "Wagner", "start": 0, "end": 6, "cue": "say"},
                "figures": [
                    {
                        "text": "84",
                        "start": 24,
                        "end": 26,
                        "value": 84.0,
                        "counts": "men",
                        "counts_lemma": "man",
                    }
                ],
            }
        ),
        SentenceClaim(start=32, end=51, text=text[32:51], negated=False),
    ]
    data = dumps_claims(claims)
    assert '"text":"Wagner said' not in data  # sentence texts stay in the chunk
    assert loads_claims(data, text) == claims
    # a chunk starting at offset 32 of the article
    assert loads_claims(dumps_claims(claims[1:]), text[32:], offset=32) == claims[1:]
    assert claims_within(claims, 32, 51) == claims[1:]
    assert loads_claims("") == []
    # claims an older ingest stored (the bare list, or another version) are analysed again
    stale = json.dumps(json.loads(data)["c"])
    assert loads_claims(stale, text) == []
    assert loads_claims(data.replace(f'"v":{CLAIMS_VERSION}', '"v":1'), text) == []
