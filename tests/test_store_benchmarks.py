"""The store's benchmarks run end to end at 10k, once, so they cannot rot between measuring rounds.

No timing is asserted: only that every step ran through both subjects and measured something.
"""

from __future__ import annotations

from pathlib import Path

from bench import http_engine, store_model, union_scan


def test_store_model_times_every_step_through_ffkg_and_the_bare_engine(tmp_path: Path) -> None:
    steps = store_model.run("10k", tmp_path / "store-model", repeats=1)
    quads = steps.pop("quads").ffkg.wall
    assert quads >= 10_000
    names = list(steps)
    assert names[:4] == ["bulk load", *store_model.QUERIES]
    assert any(name.startswith("write ") and not name.startswith("write 0 ") for name in names)
    for name, step in steps.items():
        for sample in step:
            assert sample.wall > 0 and sample.cpu >= 0, name


def test_union_scan_times_each_query_on_both_layouts(tmp_path: Path) -> None:
    figures = union_scan.run(10_000, tmp_path / "union", repeats=1)
    assert list(figures) == list(union_scan.QUERIES)
    assert all(union > 0 and copy > 0 for union, copy in figures.values())


def test_http_engine_gets_the_same_rows_from_every_server(tmp_path: Path) -> None:
    """`run` raises if the servers answer a query with different numbers of rows."""
    rows = http_engine.run("10k", tmp_path / "http", requests=1)
    assert [row.query for row in rows] == list(http_engine.MEASURED)
    assert all(row.ffkg_p50 > 0 and row.bare_p50 > 0 and row.engine_p50 > 0 and row.answer_bytes > 0 for row in rows)
    large = next(row for row in rows if row.query == "20,000-row SELECT")
    assert large.answer_rows > 10_000  # every triple of the 10k dataset, each once
