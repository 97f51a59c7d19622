"""What `ffkg ingest` tells the user about files it does not store: refused ones fail the run with the
reason, files a folder holds besides articles are listed as skipped; none of them is stored. An article
without a date line is stored with its date unknown, with a warning, and listed so."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

ARTICLE = b"date 2021-08-04 Guns seized in Sonora\n\nSoldiers seized rifles in Sonora, Mexico.\n"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\nBT /F1 24 Tf (Guns seized) Tj ET\n%%EOF\n"


def test_refused_and_skipped_files_are_reported_and_not_stored(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "sonora.txt").write_bytes(ARTICLE)
    (folder / "undated.txt").write_bytes(b"Rifles found in Laredo\n\nAgents found rifles in Laredo, Texas.\n")
    (folder / "report.txt").write_bytes(PDF)
    (folder / "typo.txt").write_bytes(b"date 14/03/2024 Guns seized\nSoldiers seized rifles.\n")
    (folder / "notes.json").write_bytes(b"{}")
    (folder / "README").write_bytes(b"what is in here")
    data = ["--data-dir", str(tmp_path / "data")]

    result = CliRunner().invoke(main, ["ingest", str(folder), "-j", "1", *data])
    assert result.exit_code == 1
    assert f"Skipped: {folder / 'notes.json'}: .json is not an article format" in result.stderr
    assert f"Skipped: {folder / 'README'}: no file extension" in result.stderr
    assert "report.txt: PDF is not supported: convert it to text" in result.stderr
    assert "typo.txt: the first line 'date 14/03/2024 Guns seized' is not a date line" in result.stderr
    assert "2 other files skipped" in result.stdout
    assert f"Warning: {folder / 'undated.txt'}: no date line, stored with the date unknown" in result.stderr

    listing = CliRunner().invoke(main, ["documents", *data])
    assert listing.exit_code == 0, listing.stderr
    rows = [line.split("\t")[:2] for line in listing.stdout.splitlines()]
    assert rows == [["doc/sonora", "2021-08-04"], ["doc/undated", "date unknown"]]
