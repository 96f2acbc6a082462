"""Articles uploaded in the dashboard: kept in a folder once per content, read as the CLI reads.

The uploads folder is an ordinary folder of articles (``python -m dashboard extract`` reads it
as it reads seeds/): each upload is written there once, under its own name, unless a file with
the same bytes (sha256) is already kept. A name already taken by other bytes gets a free one
("report (2).txt"), so every kept file, hence every uploaded article id, is distinct.

Extraction goes through ``pipeline.extract_paths``, the batch path that never raises: an
upload that cannot be read becomes an article with an ``unreadable`` problem, exactly as on the
command line. What reaches the page names a kept file by its name only, never by its place on
the server.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.extract.articles import DEFAULT_MAX_BYTES, iter_article_paths
from dashboard.extract.pipeline import extract_paths
from dashboard.records import Extraction, Problem

#: The largest upload read, in MB: the command line's limit (Streamlit counts 2**20 bytes).
MAX_UPLOAD_MB = DEFAULT_MAX_BYTES // 2**20
#: Longest kept stem (a file name is at most 255 bytes on common file systems).
_MAX_STEM = 100
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies one version of a kept file without reading it."""

    name: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Stamp:
        stat = path.stat()
        return cls(path.name, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class Upload:
    """One kept file: its name in the uploads folder, its content hash, what was extracted."""

    name: str
    digest: str
    extraction: Extraction


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(name: str) -> str:
    """A file name of the uploaded name's stem: no folders, no control or reserved characters,
    not hidden, not too long, always ending in ``.txt`` (the folder is read for ``*.txt``)."""
    stem = Path(name.replace("\\", "/")).name
    if stem.lower().endswith(".txt"):
        stem = stem[:-4]
    stem = unicodedata.normalize("NFC", _UNSAFE.sub("_", stem)).strip(" .")
    stem = stem.encode("utf-8", "ignore")[:_MAX_STEM].decode("utf-8", "ignore").strip(" .")
    return f"{stem or 'upload'}.txt"


@dataclass(frozen=True, slots=True)
class Reading:
    """A kept file being read: its name, the future of its ``Upload``, who started it."""

    name: str
    future: Future
    started: bool


class Shelf:
    """The kept files read so far, by stamp: their hashes and extractions, shared by every
    session of the process (one per uploads folder). Safe to use from several threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._known: dict[Stamp, Upload] = {}
        self._hashes: dict[Stamp, str] = {}
        self._reading: dict[Stamp, Future] = {}

    def files(self) -> list[Path]:
        """The kept files, sorted by name (as the command line orders a folder)."""
        try:
            return iter_article_paths(self.folder)
        except OSError:
            return []

    def get(self, path: Path) -> Upload | None:
        with self._lock:
            return self._known.get(_stamp(path))

    def read(self, paths: Iterable[Path], pool: Executor, geocoder: Any) -> list[Reading]:
        """Start reading, in ``pool``, each of ``paths`` not read yet nor being read by another
        session; return every unread one with its future (``started``: by this call)."""
        out = []
        with self._lock:
            for path in paths:
                stamp = _stamp(path)
                if stamp is None or stamp in self._known:
                    continue
                future = self._reading.get(stamp)
                if future is None:
                    future = self._reading[stamp] = pool.submit(extract, self, path, geocoder)
                    future.add_done_callback(functools.partial(self._done, stamp))
                    out.append(Reading(path.name, future, started=True))
                else:
                    out.append(Reading(path.name, future, started=False))
        return out

    def _done(self, stamp: Stamp, future: Future) -> None:
        with self._lock:
            self._reading.pop(stamp, None)

    def put(self, path: Path, upload: Upload) -> None:
        stamp = _stamp(path)
        if stamp is not None:
            with self._lock:
                self._known[stamp] = upload

    def keep(self, name: str, data: bytes) -> Path:
        """The kept file holding ``data``: one already kept, or a new one named after ``name``.

        Raises ``OSError`` when the folder cannot be written.
        """
        wanted = digest(data)
        for path in self.files():
            if self.digest_of(path) == wanted:
                return path
        self.folder.mkdir(parents=True, exist_ok=True)
        return _write_new(self.folder, safe_name(name), data)

    def digest_of(self, path: Path) -> str | None:
        """The sha256 of a kept file, read once per version (None if it is gone)."""
        try:
            stamp = Stamp.of(path)
            with self._lock:
                known = self._hashes.get(stamp)
            if known is None:
                known = digest(path.read_bytes())
                with self._lock:
                    self._hashes[stamp] = known
            return known
        except OSError:
            return None


def _stamp(path: Path) -> Stamp | None:
    try:
        return Stamp.of(path)
    except OSError:
        return None


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under ``name`` or, when taken, "stem (2).txt", "stem (3).txt"…

    Written to a hidden file first and linked into place: no session reads half a file, and
    two sessions never overwrite each other's upload.
    """
    temporary = folder / f".upload-{os.getpid()}-{threading.get_ident()}.part"
    temporary.write_bytes(data)
    try:
        stem = name[:-4]
        for number in range(1, 10_000):
            target = folder / (name if number == 1 else f"{stem} ({number}).txt")
            try:
                os.link(temporary, target)
                return target
            except FileExistsError:
                continue
        raise FileExistsError(f"no free name for {name}")
    finally:
        temporary.unlink(missing_ok=True)


def extract(shelf: Shelf, path: Path, geocoder: Any) -> Upload:
    """Read and extract one kept file through the CLI's batch path; never raises for the file.

    The result is put on the shelf here, not by the caller: a session that goes away while
    its files are extracted loses none of the work.
    """
    data_digest = shelf.digest_of(path) or ""
    (extraction,) = extract_paths([path], geocoder=geocoder)
    upload = Upload(path.name, data_digest, public(extraction, path))
    shelf.put(path, upload)
    return upload


def public(extraction: Extraction, path: Path) -> Extraction:
    """The extraction as the page may show it: the file named by its name, not its full path."""
    where = str(path)

    def scrub(problem: Problem) -> Problem:
        return dataclasses.replace(problem, message=problem.message.replace(where, path.name))

    article = dataclasses.replace(extraction.article, path=path.name)
    return dataclasses.replace(extraction, article=article,
                               problems=tuple(scrub(p) for p in extraction.problems))


def distinct_ids(extractions: Iterable[Extraction], taken: set[str]) -> tuple[Extraction, ...]:
    """Uploads whose id is already shown (a seed of the same name) get "<id> (uploaded)"."""
    out, seen = [], set(taken)
    for ex in extractions:
        new_id, number = ex.article.id, 1
        while new_id in seen:
            new_id = f"{ex.article.id} (uploaded{'' if number == 1 else f' {number}'})"
            number += 1
        seen.add(new_id)
        if new_id != ex.article.id:
            ex = dataclasses.replace(ex, article=dataclasses.replace(ex.article, id=new_id))
        out.append(ex)
    return tuple(out)
