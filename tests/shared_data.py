"""Where the team's shared data lives: `../shared` beside the repository root, never an absolute path."""

from __future__ import annotations

from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPOSITORY_ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """The path of `parts` under `../shared`; fails the test with a message naming it when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(
            f"{path} is missing: the tests expect the team's shared folder at ../shared beside the repository "
            f"root ({REPOSITORY_ROOT}); clone or copy it there.",
            pytrace=False,
        )
    return path
