"""The Parquet dataset: schema from the records, round trip, newest batch wins, atomic commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.store import dataset as ds
from dashboard.records import (
    Actor, Article, DateMention, Deployment, Event, Extraction, Place, Problem,
)


def extraction(article_id: str, text: str = "Troops arrived in Gao on Friday.") -> Extraction:
    """One article with a record of every kind, every awkward type filled in."""
    article = Article(id=article_id, text=text, title="T", source="Reuters",
                      published=dt.date(2013, 1, 11), path=f"/c/{article_id}.txt", body_start=3)
    place = Place(id="p1", surface="Gao", start=18, end=21, sentence=text, name="Gao",
                  kind="city", country_code="ML", lat=16.27, lon=-0.04,
                  bbox=(16.0, -0.5, 16.5, 0.5), geonameid=2457163, confidence=0.8,
                  precision="point", geometry='{"type": "Point", "coordinates": [0, 16]}')
    unresolved = Place(id="p2", surface="Xyz", start=0, end=3, literal=False, actor="a1")
    actor = Actor(id="a1", name="France", type="state", country_code="FR",
                  aliases=("France", "Paris"), mentions=((0, 6), (30, 35)))
    event = Event(id="e1", type="deployment", summary="troops arrived", actors=("a1",),
                  place="p1", lat=16.27, lon=-0.04, date=dt.date(2013, 1, 11),
                  date_text="on Friday", date_precision="day", sentence=text, start=0, end=31)
    deployment = Deployment(id="d1", actor="a1", unit="troops", strength=None, place="p1",
                            status="deployed", sentence=text, start=0, end=31)
    return Extraction(article=article, places=(place, unresolved), actors=(actor,),
                      events=(event,), deployments=(deployment,),
                      problems=(Problem("unresolved_place", "Xyz is unknown", 0, 3),),
                      dates=(DateMention(25, 31, "Friday", dt.date(2013, 1, 11), "day"),))


def write(root: Path, *extractions: Extraction) -> ds.Batch:
    with ds.open_for_writing(root) as writer:
        return ds.write_batch(root, writer.take_seq(),
                              [(e, ds.content_hash(e.article.text)) for e in extractions])


def test_schema_has_a_column_for_every_record_field():
    for table, cls in ds.TABLES.items():
        columns = set(ds.schema(table).names)
        fields = {f.name for f in dataclasses.fields(cls)} - {"id" if table == "articles" else ""}
        assert fields <= columns and "article_id" in columns, table


def test_schema_types_follow_the_annotations():
    assert ds.schema("actors").field("mentions").type == pa.list_(pa.list_(pa.int64()))
    assert ds.schema("places").field("bbox").type == pa.list_(pa.float64())
    assert ds.schema("events").field("date").type == pa.date32()
    assert ds.schema("places").field("literal").type == pa.bool_()
    assert ds.schema("deployments").field("strength").type == pa.int64()


@dataclasses.dataclass(frozen=True, slots=True)
class Grounded:
    """A record as another branch may grow it: new fields need no change in the dataset."""

    id: str
    place_basis: str = ""
    mentions: tuple[tuple[int, int], ...] = ()
    date: dt.date | None = None


def test_schema_new_record_fields_become_columns():
    assert ds.record_columns(Grounded) == (
        ("id", pa.string()), ("place_basis", pa.string()),
        ("mentions", pa.list_(pa.list_(pa.int64()))), ("date", pa.date32()))


def test_schema_unknown_annotation_is_refused():
    with pytest.raises(TypeError, match="no Parquet column type"):
        ds._arrow_type(dict[str, int])


def test_dataset_round_trip_gives_equal_extractions(tmp_path):
    first, second = extraction("b"), extraction("a", "Another text.")
    write(tmp_path / "d", first, second)
    back = ds.read_extractions(tmp_path / "d")
    assert back == (second, first)
    assert [b.dates for b in back] == [second.dates, first.dates]  # dates do not compare


def test_dataset_meta_records_format_version_and_columns(tmp_path):
    write(tmp_path / "d", extraction("a"))
    meta = json.loads((tmp_path / "d" / "_meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == ds.FORMAT and meta["version"] == ds.DATASET_VERSION
    assert ["mentions", "list<item: list<item: int64>>"] in meta["tables"]["actors"]


def test_dataset_newest_batch_wins_and_compact_leaves_no_stale_row(tmp_path):
    root = tmp_path / "d"
    write(root, extraction("a"), extraction("b"))
    changed = extraction("a", "Troops left Gao.")
    write(root, changed)  # the run's end compacts: batch 1 rewritten with "b" only
    assert ds.read_extractions(root) == (changed, extraction("b"))
    ids = [i for b in ds.batches(root) for i in
           pq.read_table(b.folder / "articles.parquet")["article_id"].to_pylist()]
    assert sorted(ids) == ["a", "b"]
    texts = [t for b in ds.batches(root) for t in
             pq.read_table(b.folder / "events.parquet")["sentence"].to_pylist()]
    assert "Troops arrived in Gao on Friday." in texts  # b's, not a's old row
    assert texts.count("Troops arrived in Gao on Friday.") == 1


def test_dataset_reader_takes_newest_batch_before_compaction(tmp_path):
    root = tmp_path / "d"
    write(root, extraction("a"))
    changed = extraction("a", "Troops left Gao.")
    ds.write_batch(root, 7, [(changed, ds.content_hash(changed.article.text))])  # no compaction
    assert len(ds.batches(root)) == 2
    assert ds.read_extractions(root) == (changed,)


def test_dataset_half_written_batch_is_invisible_and_cleared(tmp_path):
    root = tmp_path / "d"
    write(root, extraction("a"))
    half = root / "_tmp" / "00000002-dead"
    half.mkdir(parents=True)
    (half / "articles.parquet").write_bytes(b"PAR1 truncated")
    assert [e.article.id for e in ds.read_extractions(root)] == ["a"]
    with ds.open_for_writing(root):
        assert not half.exists()


def test_dataset_batch_not_wanted_is_not_committed(tmp_path):
    root = tmp_path / "d"
    with ds.open_for_writing(root) as writer:
        with pytest.raises(ds.DatasetError, match="dropped"):
            ds.write_batch(root, writer.take_seq(), [(extraction("a"), "h")],
                           still_wanted=lambda: False)
    assert ds.batches(root) == () and list((root / "_tmp").iterdir()) == []


def test_dataset_batch_of_an_earlier_run_is_not_committed(tmp_path):
    root = tmp_path / "d"
    with ds.open_for_writing(root) as earlier:
        seq = earlier.take_seq()
    with ds.open_for_writing(root) as later:
        assert ds.is_current_run(root, later.run) and not ds.is_current_run(root, earlier.run)
        with pytest.raises(ds.DatasetError, match="dropped"):
            ds.write_batch(root, seq, [(extraction("a"), "h")],
                           still_wanted=lambda: ds.is_current_run(root, earlier.run))
    assert ds.batches(root) == ()


def test_dataset_batch_numbers_handed_out_are_not_reused(tmp_path):
    root = tmp_path / "d"
    run = ds.open_for_writing(root)
    killed = run.__enter__()
    taken = [killed.take_seq() for _ in range(5)]
    killed.reserve()  # as a run does once it has planned its batches
    run.gen.close()  # the lock is released, nothing else runs: as if killed
    with ds.open_for_writing(root) as later:
        assert later.take_seq() > max(taken)


def test_dataset_second_writer_is_refused(tmp_path):
    root = tmp_path / "d"
    with ds.open_for_writing(root):
        with pytest.raises(ds.DatasetError, match="another run"):
            with ds.open_for_writing(root):
                pass


def test_dataset_refuses_a_folder_that_is_not_a_dataset(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ds.DatasetError, match="not empty"):
        write(tmp_path, extraction("a"))


def test_dataset_refuses_another_version(tmp_path):
    root = tmp_path / "d"
    write(root, extraction("a"))
    meta = root / "_meta.json"
    meta.write_text(json.dumps({"format": ds.FORMAT, "version": 99}), encoding="utf-8")
    with pytest.raises(ds.DatasetError, match="version 99"):
        write(root, extraction("b"))


def test_dataset_column_missing_from_an_older_file_takes_the_default(tmp_path):
    root = tmp_path / "d"
    batch = write(root, extraction("a"))
    path = batch.folder / "events.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["status"]), path)
    (event,) = ds.read_extractions(root)[0].events
    assert event.status == "occurred" and event.date == dt.date(2013, 1, 11)


def test_dataset_signature_changes_with_each_batch(tmp_path):
    root = tmp_path / "d"
    write(root, extraction("a"))
    before = ds.signature(root)
    write(root, extraction("b"))
    assert ds.signature(root) != before and len(ds.signature(root)) == 2


def test_content_hash_is_sha256_of_the_text():
    assert ds.content_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_dataset_rows_in_article_order_in_small_row_groups(tmp_path):
    from benchmarks.synthetic_events import make_extractions

    extractions = list(make_extractions(1500, seed=2, per_article=10))[::-1]  # ids descending
    with ds.open_for_writing(tmp_path) as writer:
        batch = ds.write_batch(tmp_path, writer.take_seq(),
                               [(ex, ds.content_hash(ex.article.text)) for ex in extractions])
    events = pq.ParquetFile(batch.folder / "events.parquet")
    assert events.metadata.num_row_groups > 1
    ids = events.read(columns=["article_id"]).column(0).to_pylist()
    assert ids == sorted(ids)
    assert [e.article_id for e in batch.entries] == [ex.article.id for ex in extractions]
    wanted = [extractions[5], extractions[-7]]
    assert set(ds.read_articles(tmp_path, [ex.article.id for ex in wanted])) == set(wanted)
