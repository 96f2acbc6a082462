"""The review queue and the corrections table as frames."""

from __future__ import annotations

import pandas as pd

from dashboard.store.corrections import Correction
from dashboard.ui import review


def _places() -> pd.DataFrame:
    rows = [("a:p1", "Sure", 0.95, "resolved", True), ("a:p2", "Shaky", 0.3, "resolved", True),
            ("a:p3", "Twins", 0.9, "resolved", True), ("a:p4", "Gov", 0.2, "non-literal", False),
            ("a:p5", "Lost", 0.0, "unresolved", True), ("a:p6", "Shakier", 0.1, "resolved",
                                                         True)]
    return pd.DataFrame([{"key": k, "surface": s, "name": s, "country_code": "AA",
                          "confidence": c, "status": st, "literal": lit, "article_id": "a",
                          "loc_key": f"gn:{i}"} for i, (k, s, c, st, lit) in enumerate(rows)])


def test_queue_lists_low_confidence_and_close_readings_most_doubtful_first():
    margins = {"Sure": 0.9, "Shaky": 0.8, "Twins": 0.05, "Shakier": 0.9}
    queue = review.queue(_places(), margins.__getitem__)
    assert list(queue["surface"]) == ["Shakier", "Shaky", "Twins"]
    assert list(queue["doubt"]) == sorted(queue["doubt"], reverse=True)


def test_queue_asks_each_name_once():
    asked = []
    review.queue(pd.concat([_places(), _places()]), lambda name: asked.append(name) or 1.0)
    assert sorted(asked) == ["Shakier", "Shaky", "Sure", "Twins"]


def test_corrections_frame_newest_first_in_words():
    made = [Correction("event_field", "h", 1, 2, after='"planned"', field="status", id=1),
            Correction("not_a_place", "h", 3, 4, id=2, undone=True)]
    frame = review.corrections_frame(made)
    assert list(frame["id"]) == [2, 1] and list(frame["what"]) == ["not a place",
                                                                   "status → planned"]


def test_queue_leaves_out_mentions_that_refer_back():
    queue = review.queue(_places(), lambda name: 0.0, skip=["a:p3"])
    assert "Twins" not in set(queue["surface"]) and "Shaky" in set(queue["surface"])


def test_readings_name_their_region_and_country_where_known():
    from dashboard.extract.candidates import Ranked
    from dashboard.geo.gazetteer import Candidate

    names = {("XK", "07"): "Mitrovica District", ("XK", ""): "Kosovo"}.get

    def reading(kind: str, admin1: str, country: str = "XK") -> Ranked:
        place = Candidate(geonameid=1, name="Town", kind=kind, country_code=country,
                          admin1=admin1, lat=42.9, lon=20.9, population=100, bbox=None,
                          geometry=None, matched="Town", exact=True)
        return Ranked(place, 1.0, 1.0, False)

    frame = review.candidates_frame(
        [reading("city", "07"), reading("city", "99"), reading("admin1", "07"),
         reading("city", "07", "ZZ")], lambda country, code: names((country, code)))
    assert list(frame["region"]) == ["Mitrovica District", "99", "", "07"]
    assert list(frame["country"]) == ["Kosovo", "Kosovo", "Kosovo", "ZZ"]
    # Without names: the codes, as before.
    assert list(review.candidates_frame([reading("city", "07")])["region"]) == ["07"]
