"""The repository runs wherever it is cloned: no source, test, benchmark or script names a path of the
machine it was written on (the shared data is found as `../shared`, see `shared_data.py`)."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CHECKED = ("kg", "api", "tests", "bench", "scripts")
#: Third-party files shipped as they were released (checked against package-lock.json elsewhere).
VENDORED = REPOSITORY / "api" / "static" / "vendor"


def test_no_file_names_the_folder_the_repository_sits_in() -> None:
    outside = f"{REPOSITORY.parent}/"
    named = [
        f"{path.relative_to(REPOSITORY)}:{number}"
        for folder in CHECKED
        for path in sorted((REPOSITORY / folder).rglob("*"))
        if path.is_file() and VENDORED not in path.parents and "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if outside in line
    ]
    assert named == [], f"absolute paths under {outside}: {named}"
