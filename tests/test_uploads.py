"""Uploads kept once per content, named safely, read through the CLI's batch path."""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.store import uploads
from dashboard.records import Article, Extraction, Problem

GOOD = (b"Aid convoy reaches Nairobi\nRelief agencies say supplies are moving.\n"
        b"(Test Wire) Monday, March 03, 2008\n"
        b"A convoy of the World Food Programme arrived in Nairobi on Monday.\n")


def test_keep_writes_a_file_once_per_content(tmp_path):
    shelf = uploads.Shelf(tmp_path / "uploads")
    first = shelf.keep("convoy.txt", GOOD)
    again = shelf.keep("other-name.txt", GOOD)
    assert first == again == tmp_path / "uploads" / "convoy.txt"
    assert first.read_bytes() == GOOD
    assert [p.name for p in shelf.files()] == ["convoy.txt"]


def test_keep_gives_a_taken_name_to_other_bytes_a_free_one(tmp_path):
    shelf = uploads.Shelf(tmp_path)
    names = [shelf.keep("convoy.txt", data).name for data in (b"one", b"two", b"three")]
    assert names == ["convoy.txt", "convoy (2).txt", "convoy (3).txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no part files left


def test_keep_sees_files_changed_by_hand(tmp_path):
    shelf = uploads.Shelf(tmp_path)
    kept = shelf.keep("a.txt", b"first")
    kept.write_bytes(b"second version")
    os.utime(kept, ns=(1, 1))  # a new version even where mtime has coarse resolution
    assert shelf.keep("b.txt", b"first").name == "b.txt"


def test_safe_name_keeps_the_name_but_no_folder_or_control_characters():
    assert uploads.safe_name("report.txt") == "report.txt"
    assert uploads.safe_name("Report.TXT") == "Report.txt"
    assert uploads.safe_name("../../etc/passwd") == "passwd.txt"
    assert uploads.safe_name("C:\\Users\\x\\notes.txt") == "notes.txt"
    assert uploads.safe_name(".hidden.txt") == "hidden.txt"
    assert uploads.safe_name("a\x00b<c>.txt") == "a_b_c_.txt"
    assert uploads.safe_name("") == uploads.safe_name("..") == "upload.txt"
    assert len(uploads.safe_name("é" * 400).encode()) <= 104


def test_extract_reads_a_kept_file_as_the_cli_does_and_names_it_by_its_name(tmp_path):
    shelf = uploads.Shelf(tmp_path)
    path = shelf.keep("rand.txt", b"\x00\x01binary\x00" * 20)
    upload = uploads.extract(shelf, path, None)
    (problem,) = upload.extraction.problems
    assert problem.kind == "unreadable" and "rand.txt" in problem.message
    assert str(tmp_path) not in problem.message
    assert upload.extraction.article.path == "rand.txt"
    assert shelf.get(path) == upload


class Deferred(Executor):
    """A pool that runs what it was given only when told (to see work in flight)."""

    def __init__(self):
        self.queue = []

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        self.queue.append((future, fn, args, kwargs))
        return future

    def run(self):
        for future, fn, args, kwargs in self.queue:
            future.set_result(fn(*args, **kwargs))


def test_read_starts_each_file_once_and_lets_others_join(tmp_path):
    shelf, pool = uploads.Shelf(tmp_path), Deferred()
    path = shelf.keep("convoy.txt", GOOD)
    (first,) = shelf.read([path], pool, None)
    (second,) = shelf.read([path], pool, None)  # another session, while the first reads
    assert first.started and not second.started and second.future is first.future
    pool.run()
    assert len(pool.queue) == 1 and first.future.result() == shelf.get(path)
    assert shelf.read([path], pool, None) == []


def test_public_names_the_file_without_its_folder():
    ex = Extraction(article=Article(id="a", text="", path="/srv/up/a.txt"),
                    problems=(Problem("encoding", "/srv/up/a.txt is not valid UTF-8"),))
    shown = uploads.public(ex, Path("/srv/up/a.txt"))
    assert shown.article.path == "a.txt"
    assert shown.problems[0].message == "a.txt is not valid UTF-8"


def test_distinct_ids_renames_uploads_whose_id_is_shown():
    def ex(article_id):
        return Extraction(article=Article(id=article_id, text=""))

    shown = uploads.distinct_ids([ex("seed"), ex("new"), ex("seed (uploaded)")], {"seed"})
    assert [e.article.id for e in shown] == ["seed (uploaded)", "new", "seed (uploaded) (uploaded)"]


def test_max_upload_is_the_command_lines_limit():
    from dashboard.extract.articles import DEFAULT_MAX_BYTES

    assert uploads.MAX_UPLOAD_MB * 2**20 == DEFAULT_MAX_BYTES


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40), data=st.binary(max_size=3000))
def test_upload_path_never_raises_on_arbitrary_bytes(tmp_path, name, data):
    shelf = uploads.Shelf(tmp_path / "hyp")
    path = shelf.keep(name, data)
    upload = uploads.extract(shelf, path, None)
    assert path.parent == tmp_path / "hyp" and path.read_bytes() == data
    assert upload.extraction.article.id == path.stem
    assert all(str(tmp_path) not in p.message for p in upload.extraction.problems)
