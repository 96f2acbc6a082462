"""The page that ``streamlit run dashboard/app.py`` shows; the home of page setup and caching
(the dataset page's caches are in :mod:`dashboard.ui.dataset_view`).

Imported once per server process by ``dashboard/app.py``, which Streamlit runs again for every
script run: the module's ``st.cache_*`` decorators and classes are made once, not on every run
(each decorator read its function's source again: about 6 ms of every run of either page).

Where the articles come from, first match wins:
``-- --dataset FILE.jsonl`` or ``NEWSMAP_DATASET`` (one ``Extraction.to_dict()`` per line, e.g.
from ``benchmarks/synthetic_events.py``, or a Parquet dataset folder written by
``python -m dashboard extract … -o DATASET/``; nothing is extracted), then ``-- --seeds DIR`` or
``NEWSMAP_SEEDS``, then the repository's ``seeds/`` folder. Articles dropped in the upload box
are kept in the uploads folder (``-- --uploads DIR``, ``NEWSMAP_UPLOADS``, else ``uploads/``
inside the seeds folder) and join them for every session.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import logging
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.ui import filters as flt
from dashboard.ui import basemap, corroboration, map_layers, tables
from dashboard.ui import density, density_layers, time_controls
from dashboard.ui import time_window as tw
from dashboard.store import corrections as corr
from dashboard.store import uploads
from dashboard.ui import views
from dashboard.errors import GazetteerError
from dashboard.extract.pipeline import failed
from dashboard.records import Article, Extraction, Problem

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = PACKAGE_DIR.parent / "seeds"


@dataclass(frozen=True, slots=True)
class Source:
    """Where this run reads articles from."""

    seeds: Path
    dataset: Path | None = None
    uploads: Path | None = None  # None: ``uploads/`` in the seeds folder
    corrections: Path | None = None  # None: ``corrections.default_path`` beside the data

    @property
    def uploads_folder(self) -> Path:
        return self.uploads or self.seeds / "uploads"

    @property
    def label(self) -> str:
        return str(self.dataset or self.seeds)


def source(argv: list[str], env: dict[str, str]) -> Source:
    """The command line (after ``--``) wins over the environment, which wins over the default."""
    parser = argparse.ArgumentParser(prog="dashboard/app.py", add_help=False)
    parser.add_argument("--seeds")
    parser.add_argument("--dataset")
    parser.add_argument("--uploads")
    parser.add_argument("--corrections")
    args, _ = parser.parse_known_args(argv)
    seeds = args.seeds or env.get("NEWSMAP_SEEDS") or DEFAULT_SEEDS
    dataset = args.dataset or env.get("NEWSMAP_DATASET")
    kept = args.uploads or env.get("NEWSMAP_UPLOADS")
    fixes = args.corrections or env.get(corr.ENV)
    return Source(seeds=Path(seeds).expanduser(),
                  dataset=Path(dataset).expanduser() if dataset else None,
                  uploads=Path(kept).expanduser() if kept else None,
                  corrections=Path(fixes).expanduser() if fixes else None)


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
    from dashboard.geo.geocoder import default_geocoder

    return default_geocoder()


# cache_resource, not cache_data: the results are immutable (frozen records, frames nobody
# modifies), and cache_data would unpickle a copy on every rerun (0.6 s at 10,000 events).
@st.cache_resource(show_spinner="Extracting places, actors, events and deployments…",
                   max_entries=4)
def extract_folder(folder: str, files: tuple) -> tuple[Extraction, ...]:
    """Every article of the folder, extracted (``files`` is the folder's signature) through its
    cached dataset, so a restart extracts only new and changed files; files are named without
    their folder, which the page does not show."""
    from dashboard.store import folder_cache
    from dashboard.ui import derived

    if not files:
        return ()
    loaded = folder_cache.load(Path(folder), derived.cache_root(), geocoder=geocoder())
    if loaded.note:
        log.warning("%s: extracted in memory", loaded.note)
    return tuple(uploads.public(ex, Path(ex.article.path)) for ex in loaded.extractions)


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


@st.cache_resource(show_spinner=False, max_entries=6)
def at_time(_filtered: tables.Frames, _spots, _layers: map_layers.LayerData, data_key: tuple,
            chosen: flt.Filters, window: tw.Window | None):
    """The filtered frames as of the time ``window``, their locations and layer data, and the
    density overlays' maker (their data published as a static file), shared by every session
    asking for the same. The map keeps the
    bounds of every date, so a window that moves (a play) does not move the view."""
    whole = tw.span(_filtered)
    if window is None or whole is None or window.covers(whole):
        shown, spots, layers = _filtered, _spots, _layers
    else:
        shown = tw.apply(_filtered, window, whole)
        spots = tables.locations(shown)
        layers = dataclasses.replace(map_layers.prepare(shown, spots), bounds=_layers.bounds)
    outlines = areas()
    dense = density_layers.prepare(density.count(shown), outlines.country if outlines else
                                   _nothing, outlines.admin1 if outlines else _nothing)
    return shown, spots, layers, functools.partial(
        density_layers.build, dense, density_layers.publish(dense, PACKAGE_DIR / "static"))


@st.cache_resource(show_spinner=False, max_entries=4)
def options_for(_frames: tables.Frames, data_key: tuple) -> flt.Options:
    """What the filters offer for the data ``data_key`` names, once per data, not on every
    rerun (70 ms at 10,000 events)."""
    return flt.options(_frames)


@st.cache_resource(show_spinner=False, max_entries=12)
def chart_bars(_filtered: tables.Frames, data_key: tuple, chosen: flt.Filters, by: str):
    """The time chart's bars for the filtered frames, counted by ``by``: once per data,
    filters and count, not on every rerun (a slider move, a click)."""
    return time_controls.chart_bars(_filtered, by)


def _nothing(*codes: str) -> None:
    return None


@st.cache_resource(show_spinner=False)
def areas():
    """Country and admin-1 outlines for the choropleths, or None without a gazetteer (the
    choropleths then stay empty; the heat map does not need it)."""
    import sqlite3

    from dashboard.geo.areas import Areas
    from dashboard.geo.gazetteer import default_path

    try:
        return Areas(default_path())
    except (sqlite3.Error, OSError):
        log.exception("newsmap: the outlines for the choropleths could not be read")
        return None


#: Session state of the sidebar's switch that merges reports of one event.
MERGE = "nm_merge"


def merged_events(base: tuple[Extraction, ...], key: tuple, extra: tuple[Extraction, ...],
                  uploads_key: tuple) -> corroboration.Support:
    """The events several articles report, merged, unless the sidebar's switch
    (:func:`merge_switch`, drawn later) is off."""
    if not st.session_state.get(MERGE, True):
        return corroboration.NONE
    return support_for(base + extra, (key, uploads_key))


def merge_switch(side) -> None:
    side.toggle("Merge reports of one event", value=True, key=MERGE,
                help="The same event reported by several articles (same type, an actor in "
                     "common, within 10 km or the same area, dates a day apart) is shown with "
                     "every article that reports it.")


@st.cache_resource(show_spinner="Matching events reported by several articles…", max_entries=4)
def support_for(_extractions: tuple[Extraction, ...], key: tuple) -> corroboration.Support:
    """Merged events, rebuilt only when the articles change (``key``): 2 s at 100,000
    events, once per data for every session."""
    return corroboration.support_for(_extractions)


@st.cache_resource(show_spinner="Preparing the offline basemap…")
def outlines() -> tuple[basemap.Offline, str]:
    """What the offline base map can draw, or why part of it is missing.

    Labels are written from the gazetteer on first use; land, water and borders come from
    ``python -m dashboard build-basemap``, and until then the gazetteer's country outlines
    stand in. A failure is cached too: retrying a gazetteer build on every rerun would stall
    the page.
    """
    from dashboard.ui import basemap_build
    from dashboard.geo.gazetteer import Gazetteer

    geometry = basemap_build.geometry_ready()
    try:
        gazetteer = Gazetteer.open_default()
        basemap_build.ensure_labels(gazetteer)
    except (GazetteerError, OSError):
        # The reason names server paths: it goes to the log, the page gets a plain sentence.
        log.exception("newsmap: the basemap's place labels could not be prepared")
        return basemap.Offline(geometry=geometry), (
            "place labels could not be prepared (the server's log says why)")
    if geometry:
        return basemap.Offline(geometry=True, labels=True), ""
    shapes = map_layers.country_outlines(
        [c.geometry for c in gazetteer.countries() if c.geometry], tolerance=0.15)
    return basemap.Offline(labels=True, outlines=shapes), (
        "land, water and borders are not built yet (run `python -m dashboard build-basemap`); "
        "country outlines stand in")


def basemap_layers() -> basemap.Offline:
    """The offline basemap, with a warning when part of it is missing: never hides the data,
    never raises (it is worked out outside the map's error boundary)."""
    try:
        offline, problem = outlines()
    except Exception:  # noqa: BLE001 - a base map is not worth the data drawn on it
        log.exception("newsmap: the offline basemap failed")
        offline, problem = basemap.Offline(), "it failed (the server's log says why)"
    if problem:
        st.warning(f"The offline base map is incomplete: {problem}",
                   icon=":material/public_off:")
    return offline


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Leaflet and friends copied next to the app, where Streamlit serves them."""
    density_layers.install_assets(PACKAGE_DIR / "static")
    return map_layers.install_assets(PACKAGE_DIR / "static")


def load(src: Source) -> tuple[tuple[Extraction, ...], tuple]:
    """The articles of the source and the key that says when they change."""
    if src.dataset is not None:  # a JSON-lines file (a dataset folder: dataset_page)
        files = signature(src.dataset)
        return (load_dataset(str(src.dataset), files) if files else ()), files
    files = signature(src.seeds)
    return extract_folder(str(src.seeds), files), files


@st.cache_resource(show_spinner=False)
def shelf(wanted: str) -> tuple[uploads.Shelf, bool]:
    """The kept uploads of a folder, shared by every session; False when the folder cannot be
    written and a temporary one (gone when the server stops) stands in for it. Nothing is
    created until a file is uploaded."""
    folder = Path(wanted)
    if _writable(folder):
        return uploads.Shelf(folder), True
    return uploads.Shelf(Path(tempfile.mkdtemp(prefix="newsmap-uploads-"))), False


def _writable(folder: Path) -> bool:
    """Whether ``folder`` can be written, or made where it is missing."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


@st.cache_resource(show_spinner=False)
def upload_pool() -> ThreadPoolExecutor:
    """Extraction of uploads, off the script threads: one thread for the whole server, so
    many files from one session wait their turn instead of crowding out the other sessions
    (the gazetteer they share is read-only and locked per query). One, not more: extraction
    is Python holding the GIL, so a second thread reads no faster and takes twice the share
    of the other sessions' time (a concurrent task ran 2.8x slower beside one thread, 6.1x
    beside two, measured on a loaded machine)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsmap-upload")


def uploaded(src: Source, taken: set[str]) -> tuple[Extraction, ...]:
    """The kept uploads (every session's), new files in the box kept first; each file in the
    box is reported beside it. Ids already shown get " (uploaded)"."""
    kept, durable = shelf(str(src.uploads_folder))
    files = views.upload_box(uploads.MAX_UPLOAD_MB) or ()
    first = "nm_kept" not in st.session_state
    names = st.session_state.setdefault("nm_kept", {})  # file_id -> kept file name
    for upload in files:
        if upload.file_id not in names:
            names[upload.file_id] = _keep(kept, upload.name, upload.getvalue())
    paths = kept.files()
    _extract_missing(kept, paths, {names[f.file_id] for f in files}, first)
    found = {path.name: kept.get(path) for path in paths}
    found = {name: item for name, item in found.items() if item is not None}
    shown = uploads.distinct_ids([item.extraction for item in found.values()], taken)
    ids = {name: ex.article.id for name, ex in zip(found, shown)}
    views.upload_report(
        [_line(f.name, found.get(names[f.file_id]), ids) for f in files], len(found),
        "" if durable else "Uploads cannot be saved on this server: they last until it "
                           "restarts. Ask whoever runs newsmap to set NEWSMAP_UPLOADS.")
    return shown


def _keep(kept: uploads.Shelf, name: str, data: bytes) -> str:
    """The kept file's name, or "" when it could not be written (the log says why)."""
    try:
        return kept.keep(name, data).name
    except OSError:
        log.exception("newsmap: could not keep the upload %r", name)
        return ""


def _extract_missing(kept: uploads.Shelf, paths: list[Path], mine: set[str],
                     first: bool) -> None:
    """Read the kept files not read yet, in the shared pool, with a progress bar. A session
    waits for every file on its first run, then only for its own uploads: files another
    session is uploading join on a later rerun, so a big upload elsewhere never holds this
    page up."""
    waiting = [r.future for r in kept.read(paths, upload_pool(), geocoder())
               if first or r.name in mine]
    if not waiting:
        return
    done, remove = views.upload_progress(len(waiting))
    for count, future in enumerate(as_completed(waiting), 1):
        future.result()
        done(count)
    remove()


def _line(name: str, item: uploads.Upload | None, ids: dict[str, str]) -> views.UploadLine:
    if item is None:  # not written (disk full?), or deleted from the uploads folder since
        return views.UploadLine(name, unreadable=True, problems=(
            ("unreadable", "the server could not keep this file; try again later"),))
    ex = item.extraction
    return views.UploadLine(name, ids.get(item.name, ex.article.id),
                            tuple((p.kind, p.message) for p in ex.problems), len(ex.events),
                            len(ex.deployments), len(ex.places), unreadable=failed(ex))


# --- corrections ------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def correction_store(path: str) -> corr.CorrectionStore:
    return corr.CorrectionStore(Path(path))


@st.cache_resource(show_spinner="Opening the gazetteer…")
def lookup():
    """The resolver's candidate lookup (its cache shared by every session)."""
    from dashboard.extract.resolve import Lookup

    return Lookup(geocoder())


def correcting(src: Source) -> tuple[views.Correcting, tuple[corr.Correction, ...]]:
    """Where this run's corrections are kept, and the active ones (read on every rerun, a
    millisecond: another session's correction shows on this page's next rerun)."""
    path = src.corrections or corr.default_path(src.seeds, src.dataset)
    store = correction_store(str(path))
    views.follow_correction()
    try:
        active = store.active()
    except OSError:  # the data matters more than its corrections: show it, and say so
        log.exception("newsmap: the corrections could not be read")
        st.warning("The corrections could not be read (the server's log says why): the data "
                   "is shown as extracted.", icon=":material/edit_off:")
        active = ()
    outlines = areas()
    return views.Correcting(store, lookup, outlines.name if outlines else None), active


def corrected(extractions: tuple[Extraction, ...], key: tuple,
              active: tuple[corr.Correction, ...]
              ) -> tuple[tuple[Extraction, ...], tables.Frames, tuple]:
    """The extractions with the active corrections applied, their frames, and a key that
    changes with the corrections. Only the corrected articles are rebuilt: the others' frames
    stay cached, so a correction costs what a filter change does (``bench_corrections.py``)."""
    if not active:
        return extractions, frames_for(extractions, key), key
    hashes = _hashes(extractions, key)
    touched = frozenset(c.article_hash for c in active) & frozenset(hashes)
    if not touched:
        return extractions, frames_for(extractions, key), key
    kept = tuple(ex for ex, h in zip(extractions, hashes) if h not in touched)
    fixed = corr.apply_all([ex for ex, h in zip(extractions, hashes) if h in touched], active)
    ids = tuple(c.id for c in active if c.article_hash in touched)
    fixed_key = key + (("corrected", ids),)
    gone = frozenset(ex.article.id for ex in fixed)
    frames = tables.concat([_without(frames_for(extractions, key), key, gone),
                            frames_for(fixed, fixed_key)])
    return kept + fixed, frames, fixed_key


@st.cache_resource(show_spinner=False, max_entries=4)
def _without(_frames: tables.Frames, key: tuple, articles: frozenset) -> tables.Frames:
    """The frames without the rows of ``articles`` (a mask: cheaper than building anew)."""
    return tables.Frames(**{name: frame[~frame["article_id"].isin(articles)]
                            if "article_id" in getattr(frame, "columns", ()) else frame
                            for name, frame in vars(_frames).items()})


@st.cache_resource(show_spinner=False, max_entries=4)
def _hashes(_extractions: tuple[Extraction, ...], key: tuple) -> tuple[str, ...]:
    """Each article's content hash, what corrections are keyed by (once per data key)."""
    return tuple(corr.article_hash(ex.article.text) for ex in _extractions)


@st.cache_resource(show_spinner="Weighing the place mentions…", max_entries=2)
def review_queue(_places, _extractions: tuple[Extraction, ...], key: tuple):
    """The review queue of the data ``key`` names (every session's)."""
    from dashboard.extract.candidates import margin
    from dashboard.ui import review

    found = lookup()
    referring = (tables.record_key(ex.article.id, p.id) for ex in _extractions
                 for p in ex.places if p.antecedent)
    return review.queue(_places, lambda name: margin(found, name), referring)


# --- a Parquet dataset: the page asks DuckDB (dashboard/ui/dataset_view.py) ------------------

def dataset_uploads(src: Source) -> None:
    """Files dropped in the upload box, extracted and written into the dataset once per
    content: every session, a reload and the next server read them from there."""
    from dashboard.store import dataset

    kept, durable = shelf(str(src.uploads or src.dataset / ".uploads"))
    files = views.upload_box(uploads.MAX_UPLOAD_MB) or ()
    names = st.session_state.setdefault("nm_kept", {})
    for upload in files:
        if upload.file_id not in names:
            names[upload.file_id] = _keep(kept, upload.name, upload.getvalue())
    mine = [kept.folder / names[f.file_id] for f in files if names[f.file_id]]
    _extract_missing(kept, mine, {path.name for path in mine}, False)
    found = {path.name: kept.get(path) for path in mine}
    found = {name: item for name, item in found.items() if item is not None}
    written = st.session_state.setdefault("nm_written", {})  # kept name -> article id
    new = [item for name, item in found.items() if name not in written]
    if new:
        taken = set(dataset.current(dataset.batches(src.dataset)))
        shown = uploads.distinct_ids([item.extraction for item in new], taken)
        try:
            dataset.add_articles(src.dataset, shown)
        except (dataset.DatasetError, OSError):
            log.exception("newsmap: uploads could not be written into the dataset")
            st.sidebar.warning("The uploaded articles could not be written into the dataset "
                               "(an extraction run may hold it): try again later.")
            return
        written.update({item.name: ex.article.id for item, ex in zip(new, shown)})
    views.upload_report([_line(f.name, found.get(names[f.file_id]), written) for f in files],
                        0, "" if durable else "Uploads cannot be kept on this server.")


def dataset_page(src: Source) -> None:
    """The page over a Parquet dataset folder: nothing of it is loaded into memory."""
    from dashboard.store import dataset
    from dashboard.ui import dataset_view, review

    filter_area = st.sidebar.container()
    with views.boundary("upload", replace=False, area=st.sidebar):
        dataset_uploads(src)
    fixing, active = correcting(src)
    path = str(src.dataset)
    batches = dataset.signature(src.dataset)
    fixes = tuple(c.id for c in active)
    store = dataset_view.dataset_store(path, batches, fixes, tuple(active))
    if not dataset_view.totals(store, flt.Filters())["articles"]:
        views.empty_state(src.label)
        views.attribution()
        return

    def articles(ids: tuple[str, ...]) -> dict[str, Extraction]:
        return dataset_view.dataset_articles(path, batches, ids[:50], fixes, tuple(active))

    def queue():
        found = lookup()
        from dashboard.extract.candidates import margin

        return review.queue(_python_places(store.least_confident()),
                            lambda name: margin(found, name))

    dataset_view.show(store, basemap_layers, articles, fixing, queue, filter_area)
    views.attribution()


def _python_places(frame):
    return frame.assign(literal=frame["literal"].astype(bool))


def main() -> None:
    # No page_icon: a Material icon favicon is fetched from a font CDN.
    st.set_page_config(page_title="newsmap", layout="wide")
    with views.boundary("page", replace=False):
        page(source(sys.argv[1:], dict(os.environ)))


def page(src: Source) -> None:
    """The page; each part (upload, map and details, tables, article and timeline) in its own
    error boundary, so one failing part leaves the others working."""
    static_assets()
    if not st.get_option("server.enableStaticServing"):
        views.release_after_map()  # no Leaflet: the map will never say it is drawn
        st.warning("Static file serving is off, so the map cannot load Leaflet: run the app from "
                   "the repository root (it holds .streamlit/config.toml).")
    views.page_style()
    st.title("newsmap")
    if src.dataset is not None and src.dataset.is_dir():  # a Parquet dataset: DuckDB queries
        dataset_page(src)
        return
    base, key = load(src)
    fixing, active = correcting(src)
    base, base_frames, key = corrected(base, key, active)
    filter_area = st.sidebar.container()  # above the upload box, filled once data is known
    extra: tuple[Extraction, ...] = ()
    with views.boundary("upload", replace=False, area=st.sidebar):  # beside the upload box
        extra = uploaded(src, {ex.article.id for ex in base})
    if not base and not extra:
        views.empty_state(src.label)
        views.attribution()
        return
    uploads_key = ("uploads",) + tuple((ex.article.id, hash(ex.article.text)) for ex in extra)
    extra, extra_frames, uploads_key = corrected(extra, uploads_key, active)
    everything = base + extra
    frames = tables.concat([base_frames, extra_frames] if extra else [base_frames])
    offered = options_for(frames, (key, uploads_key))
    # Read from the widgets' state here; the widgets themselves are drawn after the map.
    chosen = views.chosen_filters(offered)
    support = merged_events(base, key, extra, uploads_key)
    filtered, spots, layers = view(frames, (key, uploads_key), chosen)
    window, draw_chart = time_controls.time_section(
        filtered, functools.partial(chart_bars, filtered, (key, uploads_key), chosen))
    shown, spots, layers, overlays = at_time(filtered, spots, layers, (key, uploads_key),
                                             chosen, window)
    views.summary_line(shown, frames)
    views.problems_notice(filtered)
    articles = {ex.article.id: ex for ex in everything}
    # Each of these is a fragment in its own error boundary: a click on the map, a tab switch
    # or an article choice reruns only its own part of the page.
    views.map_and_details(shown, spots, layers, articles, basemap_layers(), support, fixing,
                          overlays=overlays)
    # The sidebar's widgets, sent after the map: drawn before it, they held the map back.
    if views.after_map("filters", area=filter_area):
        views.filter_widgets(offered, chosen, filter_area)
        merge_switch(filter_area)
    draw_chart()  # above the map, but sent after it (time_controls.time_section)
    # On a session's first load these wait until the map is painted (views.after_map).
    if views.after_map("tables"):
        views.record_tables(shown)
        views.corrections_section(fixing, lambda: review_queue(frames.places, everything,
                                                               (key, uploads_key)))
        views.reading(filtered, articles)
    views.attribution()

