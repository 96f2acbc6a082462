"""A folder of article files, extracted through a cached dataset: a restart extracts only what changed.

The folder is extracted by the engine (``engine.extract_to_dataset``, in this process) into a
dataset of its own under the cache (``<cache>/folders/<hash of the folder's path>-v<version>-
<stamp>``), then read back. The stamp is a digest of the extracting code, its word lists and the
gazetteer index (:func:`code_stamp`): a dataset skips an article whose text is unchanged, so
after an upgrade of newsmap or a rebuilt index the folder is extracted anew into a new cache,
and the folder's caches of other stamps are deleted. An unchanged file is skipped, a new or edited one extracted, and the articles
of files gone from the folder are dropped from the cache (``prune``): the cache mirrors the
folder. The extractions come back in the folder's order, as ``extract_paths`` gives them.

The cache only saves time: when it cannot be used (another process is filling it, its folder
cannot be written, it is damaged and cannot be made anew) the folder is extracted in memory
as before, and ``FolderLoad.note`` says why.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard import engine
from dashboard.extract.pipeline import extract_paths
from dashboard.geo import gazetteer
from dashboard.records import Extraction
from dashboard.store import dataset

#: What a damaged cache raises while it is read or written (pyarrow's errors derive from
#: these builtins): the cache is then made anew, once.
DAMAGED = (dataset.DatasetError, OSError, ValueError, LookupError, TypeError, NotImplementedError)


@dataclass(frozen=True, slots=True)
class FolderLoad:
    """A folder's extractions and how they were had."""

    extractions: tuple[Extraction, ...]
    #: Articles extracted by this load (0 when the cache held every one).
    extracted: int
    #: Why the cache was not used and the folder was extracted in memory; "" when it was used.
    note: str = ""


#: What the extractions depend on besides the articles: the package's code that extracts and
#: resolves, with its word lists and tables, and the committed geodata.
_PACKAGE = Path(__file__).resolve().parents[1]
_STAMPED = (("extract", "*"), ("geo", "*.py"), (".", "records.py"), (".", "text.py"))


def cache_for(folder: Path, cache: Path) -> Path:
    """The cached dataset of one folder (by its resolved path), for this dataset version and
    this extracting code (:func:`code_stamp`)."""
    return cache / "folders" / (f"{_folder_token(folder)}-v{dataset.DATASET_VERSION}"
                                f"-{code_stamp()}")


def _folder_token(folder: Path) -> str:
    return hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """A digest of what extraction depends on: the files of ``dashboard/extract`` and
    ``dashboard/geo``, ``records.py``, ``text.py``, the committed ``geodata/`` tables, and the
    gazetteer index's size and time (a rebuilt index may resolve differently). Read once per
    process (a few ms)."""
    digest = hashlib.sha1()
    files = [path for part, pattern in _STAMPED for path in (_PACKAGE / part).glob(pattern)]
    files += list(gazetteer.repo_geodata_dir().glob("*.tsv"))
    for path in sorted(path for path in files if path.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    index = gazetteer.default_path()
    if index.exists():
        stat = index.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def load(folder: Path, cache: Path, *, geocoder: Any = None) -> FolderLoad:
    """The folder's extractions, through its cached dataset when it can be used."""
    files = engine.expand([Path(folder).absolute()])
    home = cache_for(folder, cache)
    for old in (cache / "folders").glob(f"{_folder_token(folder)}-*"):
        if old != home:  # made by another version of the code: never read again
            _discard(old)
    try:
        return _through_cache(files, home, geocoder)
    except dataset.DatasetBusy:
        note = f"another process is extracting this folder into its cache ({home})"
    except DAMAGED as first:
        _discard(home)
        try:
            return _through_cache(files, home, geocoder)
        except DAMAGED as again:
            note = f"the folder's cache {home} cannot be used ({again or first})"
    return FolderLoad(tuple(extract_paths(files, geocoder=geocoder)), len(files), note)


def _through_cache(files: Sequence[Path], home: Path, geocoder: Any) -> FolderLoad:
    summary = engine.extract_to_dataset(files, home, engine="local", geocoder=geocoder,
                                        prune=True)
    stored = {ex.article.id: ex for ex in dataset.read_extractions(home)}
    out, seen, extracted = [], set(), summary.extracted
    for path in files:
        found = stored.get(path.stem) if path.stem not in seen else None
        seen.add(path.stem)
        if found is None:  # a second file of one id (the dataset keeps the first), or a race
            (found,) = extract_paths([path], geocoder=geocoder)
            extracted += 1
        out.append(found)
    return FolderLoad(tuple(out), extracted)


def _discard(home: Path) -> None:
    """A damaged cache out of the way in one rename (a process still writing it goes on
    writing the renamed folder), then deleted."""
    aside = home.with_name(f".discard-{home.name}-{uuid.uuid4().hex}")
    try:
        home.rename(aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)
