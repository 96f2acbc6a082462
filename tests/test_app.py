"""The Streamlit app under AppTest, with st_folium patched (AppTest cannot render components)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from unittest import mock

from streamlit.testing.v1 import AppTest
from test_tables import extractions

from dashboard import app as app_module
from dashboard import dataset

APP = str(Path(app_module.__file__))
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbb248a2bc0509e4.txt"
TIMEOUT = 60


def _dataset(tmp_path: Path, lines: list[str] | None = None) -> Path:
    path = tmp_path / "dataset.jsonl"
    body = [json.dumps(ex.to_dict()) for ex in extractions()] if lines is None else lines
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def _run(monkeypatch, *, tooltip: str | None = None, query: dict | None = None,
         timeout: float = TIMEOUT, **env: str) -> AppTest:
    for name in ("NEWSMAP_DATASET", "NEWSMAP_SEEDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=timeout)
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
    assert kwargs["returned_objects"] == ["last_object_clicked_tooltip"]
    names = [g.layer_name for g in kwargs["feature_group_to_add"]]
    assert [n.split(" (")[0] for n in names] == ["Areas", "Deployments", "Events", "Places"]
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
    assert app_module.source(["--seeds", str(tmp_path)], env).seeds == tmp_path
    assert app_module.source([], env).seeds == Path("/from/env")
    assert app_module.source(["-q"], {}).seeds == app_module.DEFAULT_SEEDS
    assert app_module.source(["--dataset", "x.jsonl"], env).dataset == Path("x.jsonl")


def test_signature_changes_when_a_file_changes(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    before = app_module.signature(tmp_path)
    (tmp_path / "a.txt").write_text("one more", encoding="utf-8")
    assert [name for name, _, _ in before] == ["a.txt"]
    assert app_module.signature(tmp_path) != before
    assert app_module.signature(tmp_path / "missing") == ()


def test_an_upload_named_like_a_shown_article_gets_its_own_id():
    ex = app_module._extract_upload(SEED.name, SEED.read_bytes(), {SEED.stem})
    assert ex.article.id == f"{SEED.stem} (uploaded)"
    assert any(p.surface == "Kosovska Mitrovica" for p in ex.places)


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
    assert not at.get("vega_lite_chart") and _article_block(at)  # the article, not the timeline
    assert "strength" in _table(at, "deployments")
    at.session_state["nm_reading"] = "Timeline"
    with mock.patch("streamlit_folium.st_folium", return_value=None):
        at.run()
    assert at.get("vega_lite_chart") and not _article_block(at)


def _article_block(at: AppTest) -> list:
    return [n for n in _walk(at.main) if "nm-article" in getattr(n.proto, "id", "")]


def test_app_opens_a_parquet_dataset_folder(monkeypatch, tmp_path):
    root = tmp_path / "parquet"
    with dataset.open_for_writing(root) as writer:
        dataset.write_batch(root, writer.take_seq(), [(ex, "") for ex in extractions()])
    from_parquet = _table(_run(monkeypatch, NEWSMAP_DATASET=str(root)), "events")
    from_jsonl = _table(_run(monkeypatch, NEWSMAP_DATASET=str(_dataset(tmp_path))), "events")
    assert len(from_parquet) == len(from_jsonl) > 0
    assert sorted(from_parquet["summary"]) == sorted(from_jsonl["summary"])
