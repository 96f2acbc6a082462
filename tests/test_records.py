"""Records round-trip through their JSON form."""

import datetime as dt
import json

from dashboard.records import Actor, Article, Deployment, Event, Extraction, Place, Problem


def _extraction() -> Extraction:
    art = Article(id="a", text="Troops in Kosovo.", title="T", published=dt.date(2007, 12, 6))
    return Extraction(
        article=art,
        places=(Place(id="p1", surface="Kosovo", start=10, end=16, lat=42.6, lon=20.9,
                      bbox=(41.8, 20.0, 43.3, 21.8), geometry='{"type": "Point", "coordinates": [20.9, 42.6]}'),),
        actors=(Actor(id="a1", name="NATO", type="organization", mentions=((0, 4),)),),
        events=(Event(id="e1", type="meeting", summary="s", actors=("a1",), date=dt.date(2007, 12, 7),
                      place_basis="inherited", date_basis="stated", place_note="place from x",
                      date_note="date stated: Friday", mentions=((0, 6), (8, 16))),),
        deployments=(Deployment(id="d1", actor="a1", unit="troops", strength=3000, place="p1",
                                place_basis="stated", date_note="no date", mentions=((0, 16),)),),
        problems=(Problem(kind="x", message="m", start=1, end=2),),
    )


def test_extraction_to_dict_is_json():
    data = _extraction().to_dict()
    assert json.loads(json.dumps(data))["events"][0]["date"] == "2007-12-07"
    assert data["places"][0]["geometry"]["type"] == "Point"
    assert data["places"][0]["resolved"] is True


def test_extraction_from_dict_round_trips():
    original = _extraction()
    again = Extraction.from_dict(json.loads(json.dumps(original.to_dict())))
    assert again.places == original.places
    assert again.actors == original.actors
    assert again.events == original.events
    assert again.deployments == original.deployments
    assert again.problems == original.problems
    assert again.article == original.article


def test_place_but_equals_dataclasses_replace():
    import dataclasses

    place = Place(id="p1", surface="Gao", start=3, end=6, sentence="In Gao.", name="Gao",
                  kind="city", lat=16.3, lon=-0.04, geometry="{}", confidence=0.9)
    for changes in ({"actor": "state:ML"}, {"literal": False, "actor": "a1"}, {"kind": ""},
                    {"geometry": None}):
        assert place.but(**changes) == dataclasses.replace(place, **changes)
    assert place.but() == place


def test_place_but_refuses_an_unknown_field():
    import pytest

    with pytest.raises(TypeError):
        Place(id="p1", surface="Gao", start=3, end=6).but(country="ML")


def test_quick_init_builds_what_the_dataclass_init_built():
    import dataclasses

    import pytest

    from dashboard.records import quick_init

    @dataclasses.dataclass(frozen=True, slots=True)
    class Plain:
        a: int
        b: str = "x"
        c: tuple = ()

    Quick = quick_init(dataclasses.dataclass(frozen=True, slots=True)(
        type("Quick", (), {"__annotations__": {"a": int, "b": str, "c": tuple}, "b": "x", "c": ()})))
    for args, kwargs in (((1,), {}), ((1, "y"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "z"})):
        assert dataclasses.astuple(Quick(*args, **kwargs)) == dataclasses.astuple(
            Plain(*args, **kwargs))
    with pytest.raises(TypeError):
        Quick()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quick(1).a = 2
    assert Quick(1, "y") == Quick(1, "y") and hash(Quick(1)) == hash(Quick(1))


def test_quick_init_refuses_a_default_factory():
    import dataclasses

    import pytest

    from dashboard.records import quick_init

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithFactory:
        a: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        quick_init(WithFactory)
