"""The Streamlit app under AppTest, with st_folium patched (AppTest cannot render components)."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tomllib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hyp
from streamlit.testing.v1 import AppTest
from test_tables import extractions

from dashboard import app as app_module
from dashboard.ui import page
from dashboard.store import dataset, uploads
from dashboard.ui import views

APP = str(Path(app_module.__file__))
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbb248a2bc0509e4.txt"
TIMEOUT = 60
CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.fixture(autouse=True)
def _uploads_folder(monkeypatch, tmp_path):
    """Every app run keeps its uploads in the test's folder, never in the repository."""
    monkeypatch.setenv("NEWSMAP_UPLOADS", str(tmp_path / "uploads"))


def _dataset(tmp_path: Path, lines: list[str] | None = None) -> Path:
    path = tmp_path / "dataset.jsonl"
    body = [json.dumps(ex.to_dict()) for ex in extractions()] if lines is None else lines
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def _run(monkeypatch, *, tooltip: str | None = None, query: dict | None = None,
         timeout: float = TIMEOUT, drawn: bool = True, **env: str) -> AppTest:
    for name in ("NEWSMAP_DATASET", "NEWSMAP_SEEDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=timeout)
    if drawn:  # what the map's frame reports in a browser once painted (no map here)
        at.session_state[views.MAP_DRAWN] = True
    for key, value in (query or {}).items():
        at.query_params[key] = value
    clicked = {"last_object_clicked_tooltip": tooltip}
    if tooltip is not None:  # what st_folium's on_change puts in session state on a click
        at.session_state["nm_map"] = clicked
    with mock.patch("streamlit_folium.st_folium", return_value=clicked) as st_folium:
        at.run()
    at.st_folium_calls = st_folium.call_args_list
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, name: str):
    """The rows of one record table: only the open tab's table is rendered, so open it."""
    at.session_state["nm_table"] = name
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert not at.exception, at.exception
    return at.dataframe[0].value


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _details(at: AppTest) -> str:
    block = next(n for n in _walk(at.main) if "nm-details" in getattr(n.proto, "id", ""))
    return "\n".join(n.proto.body for n in _walk(block) if n.type == "html")


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def test_app_click_on_a_marker_fills_the_details_panel(monkeypatch, tmp_path):
    tooltip = "Mitrovicë ×2 · city\nmentioned as: Mitrovica, The town\nid: gn:791580"
    at = _run(monkeypatch, tooltip=tooltip, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    details = _details(at)
    assert "Deployments here (1)" in details and "French contingent" in details
    assert "3,000 troops" in details
    assert at.session_state["nm_place"] == "gn:791580"


def test_app_passes_layers_and_ids_to_the_map(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    (call,) = at.st_folium_calls
    kwargs = call.kwargs
    # streamlit-folium reports nothing itself: the map's own report() sends the clicked
    # location (its tooltip text, then "id: <loc_key>") at once.
    assert kwargs["returned_objects"] == []
    names = [g.layer_name for g in kwargs["feature_group_to_add"]]
    assert [n.split(" (")[0] for n in names] == [
        "Areas", "Deployments", "Events", "Places",  # then the density overlays, off at first
        "Heat map of events", "Events per country", "Events per admin-1 region"]
    assert kwargs["key"] == "nm_map"


def test_app_actor_filter_from_the_url_narrows_the_tables(monkeypatch, tmp_path):
    at = _run(monkeypatch, query={"actor": "NATO"}, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    events = at.dataframe[0].value
    assert list(events["key"]) == ["a:e1"]
    assert at.multiselect(key="nm_actors").value == ["NATO"]


def test_app_writes_the_chosen_filters_to_the_url(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        at.multiselect(key="nm_actors").select("KFOR").run()
        at.multiselect(key="nm_types").select("clash").run()
    assert not at.exception
    assert at.query_params["actor"] in ("KFOR", ["KFOR"])
    assert at.query_params["type"] in ("clash", ["clash"])
    assert list(at.dataframe[0].value["key"]) == ["b:e1"]


def test_app_reset_clears_the_filters_and_the_url(monkeypatch, tmp_path):
    at = _run(monkeypatch, query={"actor": "NATO"}, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        at.button(key="nm_reset").click().run()
    assert not at.exception
    assert at.multiselect(key="nm_actors").value == []
    assert len(at.dataframe[0].value) == 3
    assert "actor" not in at.query_params


def test_app_chart_and_parts_under_the_map_wait_for_the_map_on_a_first_load(monkeypatch,
                                                                            tmp_path):
    at = _run(monkeypatch, drawn=False, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    assert at.st_folium_calls  # the map is there
    waiting = [b.label for b in at.button if b.key.startswith("nm_after_map_")]
    assert sorted(waiting) == ["Show the chart now", "Show the filters now",
                               "Show the tables now"]
    assert not at.multiselect and not at.toggle  # the sidebar's filters wait too
    assert not at.dataframe and not _article_block(at) and not at.get("vega_lite_chart")
    at.session_state["nm_map"] = {"nm_drawn": True}  # what the painted map's frame reports
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 3 and _article_block(at)
    assert [c for c in at.get("vega_lite_chart") if c.key == "nm_time_chart"]
    assert any(s.value == "Corrections" for s in at.subheader)
    assert at.multiselect(key="nm_types") and at.toggle(key="nm_merge").value
    assert not [b for b in at.button if b.key.startswith("nm_after_map_")]


def test_app_a_filter_in_the_url_narrows_the_first_map_before_its_widget_is_drawn(
        monkeypatch, tmp_path):
    """The filters are read from their state (seeded from the URL) before the widgets wait
    for the map: the first map already shows the URL's choice, and the widget holds it."""
    at = _run(monkeypatch, drawn=False, query={"actor": "NATO"},
              NEWSMAP_DATASET=str(_dataset(tmp_path)))
    (call,) = at.st_folium_calls
    names = [g.layer_name for g in call.kwargs["feature_group_to_add"]]
    assert "Events (1)" in names and "Deployments (0)" in names
    at.session_state["nm_map"] = {"nm_drawn": True}
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="nm_actors").value == ["NATO"]
    assert list(at.dataframe[0].value["key"]) == ["a:e1"]
    assert at.query_params["actor"] in ("NATO", ["NATO"])


def test_app_a_user_need_not_wait_for_the_map(monkeypatch, tmp_path):
    """The waiting parts' button draws them at once (should the map never report)."""
    at = _run(monkeypatch, drawn=False, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.button(key="nm_after_map_tables").click().run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 3 and at.get("vega_lite_chart")


def test_app_shows_an_empty_state_for_an_empty_folder(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_SEEDS=str(tmp_path))
    assert any("No articles yet" in s.value for s in at.subheader)
    assert not at.st_folium_calls


def test_app_shows_an_empty_state_for_a_missing_folder(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_SEEDS=str(tmp_path / "nowhere"))
    assert any("No articles yet" in s.value for s in at.subheader)


def test_app_lists_a_bad_dataset_line_as_a_problem(monkeypatch, tmp_path):
    good = json.dumps(extractions()[1].to_dict())
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path, [good, "{not json"])))
    problems = _table(at, "problems")
    assert problems["message"].str.contains("line 2 of the dataset").any()
    assert any("problem" in w.value for w in at.warning)


def test_app_extracts_the_seed_folder_and_shows_a_bad_article(monkeypatch, tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "broken.txt").write_bytes(b"\x00\xff\xfe binary \x00" * 50)
    tooltip = "Mitrovicë\nid: gn:789225"
    # The real pipeline and gazetteer (built on first use when missing).
    at = _run(monkeypatch, tooltip=tooltip, timeout=300, NEWSMAP_SEEDS=str(tmp_path))
    assert "French contingent" in _details(at)
    assert "Kosovska Mitrovica" in set(_table(at, "places")["surface"])
    assert "broken" in set(_table(at, "problems")["article_id"])
    assert "<script" not in _html(at).replace("<style>", "")


def test_source_prefers_the_command_line_then_the_environment_then_seeds(tmp_path):
    env = {"NEWSMAP_SEEDS": "/from/env", "NEWSMAP_DATASET": ""}
    assert page.source(["--seeds", str(tmp_path)], env).seeds == tmp_path
    assert page.source([], env).seeds == Path("/from/env")
    assert page.source(["-q"], {}).seeds == page.DEFAULT_SEEDS
    assert page.source(["--dataset", "x.jsonl"], env).dataset == Path("x.jsonl")


def test_source_keeps_uploads_in_the_seeds_folder_unless_told_otherwise(tmp_path):
    assert page.source(["--seeds", "s"], {}).uploads_folder == Path("s/uploads")
    env = {"NEWSMAP_UPLOADS": str(tmp_path)}
    assert page.source(["--seeds", "s"], env).uploads_folder == tmp_path
    assert page.source(["--uploads", "u"], env).uploads_folder == Path("u")


def test_signature_changes_when_a_file_changes(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    before = page.signature(tmp_path)
    (tmp_path / "a.txt").write_text("one more", encoding="utf-8")
    assert [name for name, _, _ in before] == ["a.txt"]
    assert page.signature(tmp_path) != before
    assert page.signature(tmp_path / "missing") == ()


def test_app_keeps_working_when_the_filters_hide_the_selected_place(monkeypatch, tmp_path):
    tooltip = "Brussels\nid: gn:2800866"
    at = _run(monkeypatch, tooltip=tooltip, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    assert "NATO met" in _details(at)
    with mock.patch("streamlit_folium.st_folium",
                    return_value={"last_object_clicked_tooltip": tooltip}):
        at.multiselect(key="nm_actors").select("KFOR").run()
    assert not at.exception
    assert "NATO met" not in _details(at)


def test_app_sends_only_the_open_tab_of_each_tab_group(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    assert len(at.dataframe) == 1 and "summary" in at.dataframe[0].value  # the events table
    assert not _timeline(at) and _article_block(at)  # the article, not the timeline
    assert "strength" in _table(at, "deployments")
    at.session_state["nm_reading"] = "Timeline"
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert _timeline(at) and not _article_block(at)


def _timeline(at: AppTest) -> list:
    """The Timeline tab's chart (the time controls' chart above the map is always there)."""
    return [c for c in at.get("vega_lite_chart") if getattr(c, "key", None) != "nm_time_chart"]


def _article_block(at: AppTest) -> list:
    return [n for n in _walk(at.main) if "nm-article" in getattr(n.proto, "id", "")]


# --- uploads -------------------------------------------------------------------------------

GOOD = ("Aid convoy reaches Nairobi\nRelief agencies say supplies are moving.\n"
        "(Test Wire) Monday, March 03, 2008\n"
        "A convoy of the World Food Programme arrived in Nairobi on Monday, officials said.\n")
#: Files a user may drop together (the issue's list, but the 21 MB file: the browser refuses it).
BAD = [("rand.txt", bytes(range(256)) * 8), ("bom.txt", b"\xef\xbb\xbfTitle <script>alert(1)"
        b"</script>\nBody in Nairobi.\n"), ("empty.txt", b""),
       ("latin1.txt", "Bogotá: talks in Bogotá on Monday.\n".encode("latin-1"))]


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader(key="nm_upload").set_value([(n, d, "text/plain") for n, d in files])
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert not at.exception, at.exception
    return at


def _reported(at: AppTest) -> str:
    block = next(n for n in _walk(at.sidebar) if "nm-uploads" in getattr(n.proto, "id", ""))
    return "\n".join(n.proto.body for n in _walk(block) if n.type == "html")


def test_app_upload_keeps_every_file_and_lists_the_bad_ones(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    _upload(at, [*BAD, ("convoy.txt", GOOD.encode())])
    report = _reported(at)
    assert "<b>rand.txt</b>: not read" in report and "unreadable" in report
    assert "<code>empty</code>" in report and "<code>encoding</code>" in report
    assert "added as “convoy”" in report
    assert "&lt;script&gt;" not in report  # a title is not reported, only names and problems
    assert str(tmp_path) not in report
    problems = _table(at, "problems")
    assert {"rand", "empty", "latin1"} <= set(problems["article_id"])
    assert not problems["message"].str.contains(str(tmp_path), regex=False).any()
    assert "Nairobi" in set(_table(at, "places")["surface"])
    kept = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    assert kept == ["bom.txt", "convoy.txt", "empty.txt", "latin1.txt", "rand.txt"]


def test_app_uploads_stay_after_a_reload(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    _upload(at, [("convoy.txt", GOOD.encode())])
    again = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))  # a new session
    assert "Nairobi" in set(_table(again, "places")["surface"])
    assert not again.file_uploader(key="nm_upload").value
    _upload(again, [("same-bytes.txt", GOOD.encode())])
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["convoy.txt"]
    assert "added as “convoy”" in _reported(again)


def test_app_upload_named_like_a_shown_article_gets_its_own_id(monkeypatch, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    changed = SEED.read_bytes().replace(b"Mitrovica", b"Mitrovica town", 1)
    at = _run(monkeypatch, timeout=300, NEWSMAP_SEEDS=str(seeds))
    _upload(at, [(SEED.name, changed)])
    ids = at.multiselect(key="nm_articles").options
    assert {SEED.stem, f"{SEED.stem} (uploaded)"} <= set(ids)


#: Per part of the page: a function it calls (module, name) and what shows it rendered.
PARTS = {
    "map": ("streamlit_folium", "st_folium"),
    "tables": (views, "_record_table"),
    "reading": (views, "article_view"),
    "upload": (uploads, "public"),
}


def _rendered(at: AppTest) -> dict[str, bool]:
    return {
        "map": any("nm-details" in getattr(n.proto, "id", "") for n in _walk(at.main)),
        "tables": bool(at.dataframe),
        "reading": bool(_article_block(at)),
        "upload": "convoy" in at.multiselect(key="nm_articles").options,
    }


@pytest.mark.parametrize("part", list(PARTS))
def test_app_a_failing_part_leaves_the_rest_of_the_page(monkeypatch, tmp_path, part, caplog):
    shelf = uploads.Shelf(tmp_path / "uploads")
    shelf.keep("convoy.txt", GOOD.encode())  # kept before: read on the first run

    def broken(*args, **kwargs):
        raise RuntimeError(f"injected failure in {tmp_path}/secret.py")

    module, name = PARTS[part]
    if part != "map":
        monkeypatch.setattr(module, name, broken)
    with caplog.at_level(logging.ERROR, logger="dashboard.ui.views"):
        at = _run_failing_map(monkeypatch, tmp_path) if part == "map" else _run(
            monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    (error,) = at.sidebar.error if part == "upload" else at.main.error
    assert error.value.startswith(views.PARTS[part][0]) and "reference" in error.value
    assert "injected" not in error.value and str(tmp_path) not in error.value
    assert "injected failure" in caplog.text and "Traceback" in caplog.text
    shown = _rendered(at)
    assert not shown[part] and all(v for k, v in shown.items() if k != part), shown


def _run_failing_map(monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("NEWSMAP_DATASET", str(_dataset(tmp_path)))
    monkeypatch.delenv("NEWSMAP_SEEDS", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    with mock.patch("streamlit_folium.st_folium",
                    side_effect=RuntimeError(f"injected failure in {tmp_path}")) as st_folium:
        at.run()
    at.st_folium_calls = st_folium.call_args_list
    assert not at.exception, at.exception
    return at


def test_app_config_hides_error_details_and_limits_uploads_as_the_cli():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB


def test_app_an_upload_the_server_cannot_keep_is_listed_and_the_rest_works(monkeypatch,
                                                                           tmp_path):
    def full_disk(self, name, data):
        raise OSError(28, "No space left on device", str(tmp_path / name))

    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    monkeypatch.setattr(uploads.Shelf, "keep", full_disk)
    _upload(at, [("convoy.txt", GOOD.encode())])
    assert "<b>convoy.txt</b>: not read" in _reported(at)
    assert "could not keep this file" in _reported(at) and str(tmp_path) not in _reported(at)
    assert len(at.dataframe[0].value) == 3 and not at.error


#: Names the upload box lets through: Streamlit refuses any other (in the browser, and on the
#: server before the script runs) as a bypass of its type check. No lone surrogates: a name
#: arrives as UTF-8, which cannot carry them.
TXT_NAMES = hyp.text(hyp.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                     max_size=30).map(lambda stem: f"{stem}.txt")


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=hyp.lists(hyp.tuples(TXT_NAMES, hyp.binary(max_size=2000)), min_size=1,
                       max_size=3))
def test_app_upload_of_arbitrary_bytes_never_raises(monkeypatch, tmp_path, files):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    _upload(at, files)  # asserts no exception reached the page
    assert not at.error
    report = _reported(at)
    assert report.count("<li><b>") == len(files) and str(tmp_path) not in report


def test_app_a_failing_basemap_leaves_the_map_and_names_no_path(monkeypatch, tmp_path):
    import streamlit

    from dashboard.ui import basemap_build

    def broken():
        raise PermissionError(13, "Permission denied", str(tmp_path / "static" / "basemap"))

    monkeypatch.setattr(basemap_build, "geometry_ready", broken)
    streamlit.cache_resource.clear()  # outlines() is cached from earlier runs
    try:
        at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)))
    finally:
        streamlit.cache_resource.clear()
    assert at.st_folium_calls and not at.error
    (warning,) = [w.value for w in at.warning if "base map" in w.value]
    assert "server's log" in warning and str(tmp_path) not in warning


def test_app_opens_a_parquet_dataset_folder(monkeypatch, tmp_path):
    root = tmp_path / "parquet"
    with dataset.open_for_writing(root) as writer:
        dataset.write_batch(root, writer.take_seq(), [(ex, "") for ex in extractions()])
    from_parquet = _table(_run(monkeypatch, NEWSMAP_DATASET=str(root)), "events")
    from_jsonl = _table(_run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path))), "events")
    assert len(from_parquet) == len(from_jsonl) > 0
    assert sorted(from_parquet["summary"]) == sorted(from_jsonl["summary"])


def test_app_details_count_the_articles_reporting_an_event_and_the_switch_turns_it_off(
        monkeypatch, tmp_path):
    seed = extractions()[0]
    copy = dataclasses.replace(seed, article=dataclasses.replace(seed.article, id="copy"))
    path = _dataset(tmp_path, [json.dumps(ex.to_dict()) for ex in (seed, copy)])
    tooltip = "Brussels\nid: gn:2800866"
    at = _run(monkeypatch, tooltip=tooltip, NEWSMAP_DATASET=str(path))
    assert "Reported by 2 articles" in _details(at) and 'href="?article=copy"' in _details(at)
    with mock.patch("streamlit_folium.st_folium",
                    return_value={"last_object_clicked_tooltip": tooltip}):
        at.toggle(key="nm_merge").set_value(False).run()
    assert not at.exception
    assert "NATO met" in _details(at) and "Reported by" not in _details(at)


# --- corrections ---------------------------------------------------------------------------

def test_app_applies_the_corrections_kept_beside_the_dataset(monkeypatch, tmp_path):
    from dashboard.store import corrections as corr

    path = _dataset(tmp_path)
    ex = extractions()[0]
    place = next(p for p in ex.places if p.resolved)
    store = corr.CorrectionStore(corr.default_path(tmp_path, path, env={}))
    store.add(corr.not_a_place(ex, place, "ana"))
    at = _run(monkeypatch, NEWSMAP_DATASET=str(path), NEWSMAP_CORRECTIONS="")
    assert not at.exception, at.exception
    places = _table(at, "places")
    mine = places[places["key"].str.startswith(f"{ex.article.id}:")]
    assert f"{ex.article.id}:{place.id}" not in set(mine["key"])
    assert len(mine) == len(ex.places) - 1


def _rerun(at: AppTest) -> AppTest:
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert not at.exception, at.exception
    return at


def test_app_details_correct_a_deployments_status_then_undo(monkeypatch, tmp_path):
    tooltip = "Mitrovicë ×2 · city\nmentioned as: Mitrovica, The town\nid: gn:791580"
    at = _run(monkeypatch, tooltip=tooltip, NEWSMAP_DATASET=str(_dataset(tmp_path)),
              NEWSMAP_CORRECTIONS=str(tmp_path / "fixes.sqlite"), NEWSMAP_USER="ana")
    at.session_state["nm_correct"] = True
    at.session_state["nm_fix_what"] = "Deployment"
    _rerun(at)
    next(box for box in at.selectbox if box.label == "Status").set_value("withdrawal")
    next(b for b in at.button if "Save" in b.label).click()
    _rerun(at)
    assert list(_table(at, "deployments")["status"]) == ["withdrawal"]
    assert at.dataframe[-1].value["what"].tolist() == ["status → withdrawal"]
    at.button(key="nm_fix_undo").click()
    _rerun(at)
    assert list(_table(at, "deployments")["status"]) == ["stationed"]


def test_app_review_queue_lists_doubtful_mentions(monkeypatch, tmp_path):
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)),
              NEWSMAP_CORRECTIONS=str(tmp_path / "fixes.sqlite"))
    at.session_state["nm_fix_tabs"] = "Review queue"
    _rerun(at)
    queue = at.dataframe[-1].value
    assert {"doubt", "surface", "confidence", "margin"} <= set(queue.columns)
    assert "Brussels" in set(queue["surface"])  # confidence 0: the fixture sets none


def test_app_unreadable_corrections_leave_the_data_shown(monkeypatch, tmp_path):
    (tmp_path / "fixes.sqlite").mkdir()  # not a database
    at = _run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path)),
              NEWSMAP_CORRECTIONS=str(tmp_path / "fixes.sqlite"))
    assert not at.exception and any("corrections could not be read" in w.value
                                     for w in at.warning)
    assert len(_table(at, "events")) == 3


def test_app_saved_notice_escapes_article_words(monkeypatch, tmp_path):
    """A hostile mention chosen as a deployment's place is named in the notice as text."""
    from dashboard.records import Article, Deployment, Extraction, Place

    evil = "<img src=x onerror=alert(1)>"
    text = f"Troops are stationed in Mitrovica. Later in {evil} too."
    start = text.index(evil)
    ex = Extraction(Article("h", text), places=(
        Place("p1", "Mitrovica", 24, 33, name="Mitrovicë", kind="city", lat=42.89, lon=20.87,
              geonameid=791580),
        Place("p2", evil, start, start + len(evil), name=evil, kind="city", lat=42.0, lon=21.0,
              geonameid=1)),
        deployments=(Deployment("d1", None, "Troops", place="p1", lat=42.89, lon=20.87,
                                start=0, end=6, sentence=text[:34]),))
    path = _dataset(tmp_path, [json.dumps(ex.to_dict())])
    tooltip = "Mitrovicë · city\nmentioned as: Mitrovica\nid: gn:791580"
    at = _run(monkeypatch, tooltip=tooltip, NEWSMAP_DATASET=str(path),
              NEWSMAP_CORRECTIONS=str(tmp_path / "fixes.sqlite"))
    at.session_state["nm_correct"] = True
    at.session_state["nm_fix_what"] = "Deployment"
    _rerun(at)
    # AppTest cannot pick an option whose label is not str(value): set the widget's state.
    at.session_state["nm_fix_place_h:d1"] = "p2"
    next(b for b in at.button if "Save" in b.label).click()
    _rerun(at)
    html = _html(at)
    assert "place → &lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


def test_tables_show_unknown_values_as_blank_cells():
    import pandas as pd

    frame = pd.DataFrame({"date": pd.to_datetime(["2007-12-07", None]),
                          "strength": [3000.0, float("nan")], "lat": [42.88333, None],
                          "unit": ["KFOR", None], "actors": [("NATO", "EU"), ()],
                          "mentions": [1, 2]})
    shown = views._displayed(frame, ["date", "strength", "lat", "unit", "actors", "mentions"])
    assert shown.to_dict("records") == [
        {"date": "2007-12-07", "strength": "3000", "lat": "42.8833", "unit": "KFOR",
         "actors": "NATO, EU", "mentions": 1},
        {"date": "", "strength": "", "lat": "", "unit": "", "actors": "", "mentions": 2}]
    assert shown["mentions"].dtype.kind == "i"  # a column without gaps stays a number


def test_place_labels_are_words():
    import pandas as pd

    spots = pd.DataFrame({"loc_key": ["pl:1", "gn:2"], "name": ["southern Serbia", "Kosovo"],
                          "kind": ["directional_region", "country"], "events": [0, 2],
                          "deployments": [0, 1], "mentions": [1, 9]})
    assert views._place_labels(spots) == {
        "pl:1": "southern Serbia (directional region) — 1 mention",
        "gn:2": "Kosovo (country) — 2 events, 1 deployment"}
    assert "pl:1" in views._source("location pl:1") and "<details" in views._source("x")
    assert views._source("<b>") == ('<details class="nm-source"><summary>source</summary>'
                                    "&lt;b&gt;</details>")


def test_place_table_names_kinds_in_words():
    import pandas as pd

    frame = pd.DataFrame({"surface": ["the south", "Kosovo", "x"],
                          "kind": ["directional_region", "country", None]})
    shown = views._displayed(frame, ["surface", "kind"])
    assert list(shown["kind"]) == ["directional region", "country", ""]
