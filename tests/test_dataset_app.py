"""The app on a Parquet dataset folder under AppTest: the DuckDB page (ui/dataset_view.py)
filters, pages, shows details and applies the corrections kept beside the dataset."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest
from test_app import _details
from test_tables import extractions

from dashboard import app as app_module
from dashboard.store import corrections as corr
from dashboard.store import dataset

APP = str(Path(app_module.__file__))
TIMEOUT = 60
MITROVICA = "Mitrovicë ×2 · city\nmentioned as: Mitrovica, The town\nid: gn:791580"


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "parquet"
    with dataset.open_for_writing(folder) as writer:
        dataset.write_batch(folder, writer.take_seq(),
                            [(ex, dataset.content_hash(ex.article.text)) for ex in extractions()])
    for name in ("NEWSMAP_SEEDS", corr.ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSMAP_DATASET", str(folder))
    monkeypatch.setenv("NEWSMAP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSMAP_UPLOADS", str(tmp_path / "uploads"))
    return folder


def _run(at: AppTest | None = None, tooltip: str | None = None, query=None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for key, value in (query or {}).items():
            at.query_params[key] = value
    clicked = {"last_object_clicked_tooltip": tooltip, "zoom": 2, "bounds": None}
    if tooltip is not None:
        at.session_state["nm_dmap"] = clicked
    with mock.patch("dashboard.ui.map_render.show", return_value=clicked) as shown:
        at.run()
    at.map_calls = shown.call_args_list
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, name: str):
    at.session_state["nm_table"] = name
    _run(at)
    return at.dataframe[0].value


def test_dataset_app_reads_the_dataset_through_duckdb(root):
    at = _run()
    events = _table(at, "events")
    assert len(events) == sum(len(ex.events) for ex in extractions()) > 0
    (call,) = at.map_calls
    assert call.kwargs["returned_objects"] == ["last_object_clicked_tooltip", "bounds", "zoom"]
    assert any("markers:" in c.value for c in at.caption)  # few locations: markers at once


def test_dataset_app_filters_from_the_url_narrow_the_paged_table(root):
    at = _run(query={"actor": "NATO"})
    events = _table(at, "events")
    assert len(events) and all("NATO" in actors for actors in events["actors"])
    assert len(events) < sum(len(ex.events) for ex in extractions())


def test_dataset_app_click_shows_the_places_records_from_sql(root):
    at = _run(tooltip=MITROVICA)
    assert at.session_state["nm_place"] == "gn:791580"
    assert "Deployments here (1)" in _details(at)


def test_dataset_app_details_highlight_the_sentences_without_reading_articles(root):
    with mock.patch.object(dataset, "read_articles", side_effect=AssertionError("read")):
        at = _run(tooltip=MITROVICA)
    shown = _details(at)
    assert 'class="nm-focus"' in shown and 'class="nm-place"' in shown
    assert not at.error


def test_dataset_app_actor_list_offers_the_busiest_and_finds_any_other(root, monkeypatch):
    from dashboard.ui import dataset_view

    everyone = next(m for m in _run().multiselect if m.label == "Actor").options
    monkeypatch.setattr(dataset_view, "ACTOR_CHOICES", 1)
    at = _run(query={"actor": "NATO"})
    offered = next(m for m in at.multiselect if m.label == "Actor").options
    assert len(everyone) > 3 and len(offered) == 2  # the busiest, and NATO from the URL
    rare = everyone[-1].rsplit(" (", 1)[0]
    at.text_input(key="nm_actor_search").input(rare[1:].upper())
    _run(at)
    actors = next(m for m in at.multiselect if m.label == "Actor")
    assert everyone[-1] in actors.options
    actors.select(rare)
    _run(at)
    assert {rare, "NATO"} <= set(at.session_state["nm_actors"])
    at.text_input(key="nm_actor_search").input("qqxqq")
    _run(at)
    assert any("No actor's name holds that" in c.value for c in at.caption)


def test_dataset_app_applies_the_corrections_kept_beside_the_dataset(root):
    ex = extractions()[0]
    place = next(p for p in ex.places if p.resolved)
    store = corr.CorrectionStore(corr.default_path(root, root, env={}))
    store.add(corr.not_a_place(ex, place, "ana"))
    places = _table(_run(), "places")
    mine = places[places["key"].str.startswith(f"{ex.article.id}:")]
    assert f"{ex.article.id}:{place.id}" not in set(mine["key"])
    assert len(mine) == len(ex.places) - 1


def test_dataset_app_details_correct_a_deployments_status(root, monkeypatch, tmp_path):
    monkeypatch.setenv(corr.ENV, str(tmp_path / "fixes.sqlite"))
    at = _run(tooltip=MITROVICA)
    at.session_state["nm_correct"] = True
    at.session_state["nm_fix_what"] = "Deployment"
    _run(at)
    next(box for box in at.selectbox if box.label == "Status").set_value("withdrawal")
    next(b for b in at.button if "Save" in b.label).click()
    _run(at)
    assert list(_table(at, "deployments")["status"]) == ["withdrawal"]
    fresh = _table(_run(), "deployments")  # another session, the same server
    assert list(fresh["status"]) == ["withdrawal"]



def test_dataset_markers_of_an_empty_view_ask_nothing():
    from dashboard.store import query
    from dashboard.ui import dataset_view, tables
    from dashboard.ui import filters as flt

    found = dataset_view.marker_spots(mock.Mock(spec=[]), flt.Filters(), query.Bounds.WORLD, ())
    assert found.empty and list(found.columns) == list(tables.LOCATION_COLUMNS)


def test_dataset_app_table_shows_its_columns_and_downloads_every_one(root):
    """The table's page reads only the columns shown; its download, every column (but the
    details' snippets), when it is clicked."""
    import io

    import pandas as pd

    from dashboard.store import query
    from dashboard.ui import dataset_view, derived, views
    from dashboard.ui import filters as flt

    events = _table(_run(), "events")
    assert list(events.columns) == views.TABLE_COLUMNS["events"]
    store = derived.store(derived.ensure(root))
    try:
        saved = pd.read_csv(io.StringIO(dataset_view.page_csv(store, "events", flt.Filters(), 1)))
    finally:
        store.close()
    assert list(saved.columns) == [c for c, _ in query.SCHEMAS["events"] if c != "snippet"]
    assert saved["key"].tolist() == events["key"].tolist()
