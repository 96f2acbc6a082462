"""The density overlays as folium layers (dashboard.ui.density_layers)."""

from __future__ import annotations

import json

import folium

from dashboard.ui import density_layers as dl
from dashboard.ui.density import Density
from dashboard.geo.areas import Outline

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[20, 42], [21, 42], [21, 43],
                                                          [20, 43], [20, 42]]]})
HOSTILE = '<img src=x onerror="alert(1)">{{ 7*7 }}'


def _data() -> dl.DensityData:
    found = Density(heat=((42.5, 20.5, 3), (42.9, 20.9, 1)),
                    countries=(("XK", 4), ("ZZ", 1)), regions=((("XK", "01"), 2),))
    outlines = {"XK": Outline(HOSTILE, SQUARE)}
    return dl.prepare(found, outlines.get, lambda country, code: Outline("Region", SQUARE))


def _html(groups) -> str:
    fmap = folium.Map(tiles=None)  # folium's own default links are not the app's
    for group in groups:
        group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render()


def test_prepare_skips_areas_without_an_outline():
    data = _data()
    assert (data.countries, data.regions) == (1, 1)


def test_build_lists_three_overlays_with_counts():
    names = [group.layer_name for group in dl.build(_data(), "/x.json")]
    assert names == ["Heat map of events (4)", "Events per country (1)",
                     "Events per admin-1 region (1)"]


def test_build_serves_leaflet_heat_locally_and_leaves_the_data_out():
    html = _html(dl.build(_data(), "/app/static/density/x.json"))
    # leaflet-heat is loaded from the app's static folder when the heat map is first ticked:
    # no script tag for it before the map is drawn, and its only address is the local one.
    assert f'"{dl.STATIC_URL}/{dl.HEAT_FILE}"' in html
    assert "<script" not in "".join(line for line in html.splitlines() if "leaflet_heat" in line)
    assert html.count("leaflet_heat") == html.count(f"{dl.STATIC_URL}/{dl.HEAT_FILE}")
    assert "/app/static/density/x.json" in html
    assert "Polygon" not in html and "42.5" not in html  # fetched when ticked


def test_publish_writes_the_data_once_with_escaped_tooltips(tmp_path):
    url = dl.publish(_data(), tmp_path)
    assert url.startswith("/app/static/density/") and url.endswith(".json")
    path = tmp_path / "density" / url.rsplit("/", 1)[1]
    text = path.read_text(encoding="utf-8")
    assert "<img src=x" not in text and 'onerror="' not in text
    data = json.loads(text)
    assert data["heat"] == [[42.5, 20.5, 3], [42.9, 20.9, 1]]
    tip = data["countries"]["features"][0]["properties"]["tip"]
    assert tip.startswith("<b>&lt;img src=x") and "4 events" in tip
    assert data["regions"]["features"][0]["properties"]["tip"].startswith("<b>Region</b>")
    assert dl.publish(_data(), tmp_path) == url  # same content, same file
    assert len(list((tmp_path / "density").iterdir())) == 1


def test_publish_keeps_only_the_newest_files(tmp_path):
    for n in range(5):
        found = Density(heat=((1.0, float(n), 1),), countries=(), regions=())
        dl.publish(dl.prepare(found, {}.get, lambda *_: None), tmp_path, keep=3)
    assert len(list((tmp_path / "density").glob("*.json"))) == 3


def test_shade_grows_with_the_count():
    assert dl.shade(1, 100) == dl.SHADES[0]
    assert dl.shade(100, 100) == dl.SHADES[-1]
    assert dl.SHADES.index(dl.shade(10, 100)) < dl.SHADES.index(dl.shade(60, 100))


def test_install_assets_copies_leaflet_heat(tmp_path):
    path = dl.install_assets(tmp_path)
    assert path == tmp_path / "vendor" / dl.HEAT_FILE
    assert "heatLayer" in path.read_text(encoding="utf-8")


def test_outlines_are_simplified_from_the_gazetteer(tmp_path):
    import sqlite3

    from dashboard.geo.areas import Areas

    ring = [[20 + i / 1000, 42 + (i % 2) / 10000] for i in range(1000)] + [[21, 43], [20, 42]]
    db = sqlite3.connect(tmp_path / "g.sqlite")
    db.execute("CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, "
               "country_code TEXT, admin1 TEXT, geometry TEXT)")
    db.execute("INSERT INTO places VALUES (1, 'Somewhere', 'admin1', 'XK', '07', ?)",
               (json.dumps({"type": "Polygon", "coordinates": [ring]}),))
    db.commit()
    db.close()
    areas = Areas(tmp_path / "g.sqlite")
    outline = areas.admin1("XK", "07")
    assert outline.name == "Somewhere"
    assert len(json.loads(outline.geometry)["coordinates"][0]) < 20
    assert areas.admin1("XK", "08") is None and areas.country("XK") is None
    # The same rows name an area for a city row that gives its region only by code.
    assert areas.name("XK", "07") == "Somewhere"
    assert areas.name("XK", "08") is None and areas.name("XK") is None
