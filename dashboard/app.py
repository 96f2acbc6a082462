"""Entry point (`streamlit run dashboard/app.py`); the only home of page setup and caching.

Where the articles come from, first match wins:
``-- --dataset FILE.jsonl`` or ``NEWSMAP_DATASET`` (one ``Extraction.to_dict()`` per line, e.g.
from ``benchmarks/synthetic_events.py``, or a Parquet dataset folder written by
``python -m dashboard extract … -o DATASET/``; nothing is extracted), then ``-- --seeds DIR`` or
``NEWSMAP_SEEDS``, then the repository's ``seeds/`` folder. Articles dropped in the upload box
join them for the session.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard import filters as flt  # noqa: E402
from dashboard import map_layers, tables, views  # noqa: E402
from dashboard.errors import GazetteerError  # noqa: E402
from dashboard.records import Article, Extraction, Problem  # noqa: E402

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SEEDS = PACKAGE_DIR.parent / "seeds"


@dataclass(frozen=True, slots=True)
class Source:
    """Where this run reads articles from."""

    seeds: Path
    dataset: Path | None = None

    @property
    def label(self) -> str:
        return str(self.dataset or self.seeds)


def source(argv: list[str], env: dict[str, str]) -> Source:
    """The command line (after ``--``) wins over the environment, which wins over the default."""
    parser = argparse.ArgumentParser(prog="dashboard/app.py", add_help=False)
    parser.add_argument("--seeds")
    parser.add_argument("--dataset")
    args, _ = parser.parse_known_args(argv)
    seeds = args.seeds or env.get("NEWSMAP_SEEDS") or DEFAULT_SEEDS
    dataset = args.dataset or env.get("NEWSMAP_DATASET")
    return Source(seeds=Path(seeds).expanduser(),
                  dataset=Path(dataset).expanduser() if dataset else None)


def signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime, size) of a file or of a folder's visible files: the cache key of its data."""
    if path.is_file():
        stat = path.stat()
        return ((path.name, stat.st_mtime_ns, stat.st_size),)
    if not path.is_dir():
        return ()
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@st.cache_resource(show_spinner="Opening the gazetteer (built on first use, in about 30 s)…")
def geocoder():
    """One geocoder per process, shared by every session (read-only, thread-safe): the offline
    gazetteer, with the online fallback when $NEWSMAP_ONLINE_GEOCODING turns it on."""
    from dashboard.geocoder import default_geocoder

    return default_geocoder()


# cache_resource, not cache_data: the results are immutable (frozen records, frames nobody
# modifies), and cache_data would unpickle a copy on every rerun (0.6 s at 10,000 events).
@st.cache_resource(show_spinner="Extracting places, actors, events and deployments…",
                   max_entries=4)
def extract_folder(folder: str, files: tuple) -> tuple[Extraction, ...]:
    """Every article of the folder, extracted (``files`` is the folder's signature)."""
    from dashboard.pipeline import extract_paths

    return tuple(extract_paths([folder], geocoder=geocoder())) if files else ()


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=4)
def load_dataset(path: str, files: tuple) -> tuple[Extraction, ...]:
    """Extractions saved as JSON lines; a bad line becomes an article with a problem."""
    out = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                out.append(_dataset_line(Path(path).stem, number, line))
    return tuple(out)


def _dataset_line(stem: str, number: int, line: str) -> Extraction:
    try:
        return Extraction.from_dict(json.loads(line))
    except (ValueError, KeyError, TypeError) as exc:
        return Extraction(article=Article(id=f"{stem}:{number}", text=""), problems=(
            Problem("unreadable", f"line {number} of the dataset is not an extraction: {exc}"),))


@st.cache_resource(show_spinner=False, max_entries=8)
def frames_for(_extractions: tuple[Extraction, ...], key: tuple) -> tables.Frames:
    """The folder's frames, rebuilt only when its files change (``key``)."""
    return tables.build(_extractions)


@st.cache_resource(show_spinner=False, max_entries=6)
def view(_frames: tables.Frames, data_key: tuple, chosen: flt.Filters):
    """The filtered frames, their locations and the map's layer data, shared by every session
    asking for the same data (``data_key``) and filters (``chosen``, hashed as a dataclass):
    a new visitor, or a filter chosen lately, costs nothing (0.2 s at 10,000 events, about 1 s
    at 100,000). Few entries: each holds copies of the frames, up to hundreds of MB at 100,000
    events."""
    filtered = flt.apply(_frames, chosen)
    spots = tables.locations(filtered)
    return filtered, spots, map_layers.prepare(filtered, spots)


@st.cache_resource(show_spinner="Drawing country outlines…")
def outlines() -> tuple[str | None, str]:
    """Simplified country outlines (GeoJSON) for the offline base map, or why there are none.

    A failure is cached too: retrying a gazetteer build on every rerun would stall the page.
    """
    from dashboard.gazetteer import Gazetteer

    try:
        gazetteer = Gazetteer.open_default()
    except GazetteerError as exc:
        return None, str(exc)
    geometries = [c.geometry for c in gazetteer.countries() if c.geometry]
    return map_layers.country_outlines(geometries, tolerance=0.15), ""


def basemap() -> str | None:
    """The outlines, or None with a warning: a missing base map must not hide the data."""
    shapes, problem = outlines()
    if problem:
        st.warning(f"The offline base map is unavailable: {problem}",
                   icon=":material/public_off:")
    return shapes


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Leaflet and friends copied next to the app, where Streamlit serves them."""
    return map_layers.install_assets(PACKAGE_DIR / "static")


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=4)
def load_parquet(path: str, batches: tuple) -> tuple[Extraction, ...]:
    """Extractions from a Parquet dataset folder (``batches`` is its signature)."""
    from dashboard import dataset

    return dataset.read_extractions(Path(path))


def load(src: Source) -> tuple[tuple[Extraction, ...], tuple]:
    """The articles of the source and the key that says when they change."""
    if src.dataset is not None and src.dataset.is_dir():
        from dashboard import dataset

        batches = dataset.signature(src.dataset)
        return load_parquet(str(src.dataset), batches), batches
    if src.dataset is not None:
        files = signature(src.dataset)
        return (load_dataset(str(src.dataset), files) if files else ()), files
    files = signature(src.seeds)
    return extract_folder(str(src.seeds), files), files


def uploaded(files, taken: set[str]) -> tuple[Extraction, ...]:
    """Extractions of the files in the upload box, kept in the session, renamed if ids clash."""
    kept = st.session_state.setdefault("nm_uploads", {})
    current = {f.file_id: f for f in files or ()}
    for file_id in set(kept) - set(current):
        del kept[file_id]
    for file_id, upload in current.items():
        if file_id not in kept:
            kept[file_id] = _extract_upload(upload.name, upload.getvalue(), taken)
    return tuple(kept.values())


def _extract_upload(name: str, data: bytes, taken: set[str]) -> Extraction:
    from dashboard.pipeline import extract_file

    with tempfile.TemporaryDirectory(prefix="newsmap-upload-") as folder:
        path = Path(folder) / (Path(name).name or "upload.txt")
        path.write_bytes(data)
        ex = extract_file(path, geocoder=geocoder())
    if ex.article.id in taken:  # same file name as an article already shown
        ex = dataclasses.replace(ex, article=dataclasses.replace(
            ex.article, id=f"{ex.article.id} (uploaded)"))
    return ex


def main() -> None:
    # No page_icon: a Material icon favicon is fetched from a font CDN.
    st.set_page_config(page_title="newsmap", layout="wide")
    static_assets()
    if not st.get_option("server.enableStaticServing"):
        st.warning("Static file serving is off, so the map cannot load Leaflet: run the app from "
                   "the repository root (it holds .streamlit/config.toml).")
    src = source(sys.argv[1:], dict(os.environ))
    st.title("newsmap")
    base, key = load(src)
    filter_area = st.sidebar.container()  # above the upload box, filled once data is known
    extra = uploaded(views.upload_box(), {ex.article.id for ex in base})
    if not base and not extra:
        views.empty_state(src.label)
        views.attribution()
        return
    everything = base + extra
    frames = tables.concat([frames_for(base, key), tables.build(extra)] if extra
                           else [frames_for(base, key)])
    chosen = views.sidebar_filters(flt.options(frames), filter_area)
    uploads = tuple((ex.article.id, hash(ex.article.text)) for ex in extra)
    filtered, spots, layers = view(frames, (key, uploads), chosen)
    views.summary_line(filtered, frames)
    views.problems_notice(filtered)
    articles = {ex.article.id: ex for ex in everything}
    # Each of these is a fragment: a click on the map, a tab switch or an article choice
    # reruns only its own part of the page.
    views.map_and_details(filtered, spots, layers, articles, basemap())
    views.record_tables(filtered)
    views.reading(filtered, articles)
    views.attribution()


if __name__ == "__main__":
    main()
