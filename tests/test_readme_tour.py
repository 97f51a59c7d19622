"""The README's command-line tour runs as written, so it cannot rot."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from shared_data import SHARED

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
#: Commands the tour shows that need what a test cannot give: a server that keeps running, the shared corpus.
NOT_RUN = {"serve", "eval"}


def expand(token: str) -> list[str]:
    """A token as a shell would pass it: `../shared/` is the team's shared folder, a glob its sorted matches."""
    if token.startswith("../shared/"):
        token = str(SHARED / token.removeprefix("../shared/"))
    if "*" not in token:
        return [token]
    matches = sorted(str(path) for path in Path(token).parent.glob(Path(token).name))
    assert matches, f"the README's {token} matches no file"
    return matches


def tour_commands() -> list[list[str]]:
    """The `ffkg ...` commands of the README's "Command line" block, split and expanded as a shell would."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Command line\s+```bash\n(.*?)```", readme, re.DOTALL)
    assert block, "README has no command-line tour"
    commands: list[list[str]] = []
    for token in shlex.split(block.group(1), comments=True):
        if token == "ffkg":
            commands.append([])
        else:
            commands[-1].extend(expand(token))
    return commands


def test_the_tour_runs_on_the_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "my-annotations.ttl").write_text(
        "<https://example.org/note> <http://www.w3.org/2000/01/rdf-schema#comment> 'checked by hand' .\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FFKG_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    outputs = {}
    commands = tour_commands()
    assert len(commands) >= 15
    for args in commands:
        if args[0] in NOT_RUN:
            continue
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, f"ffkg {shlex.join(args)}\n{result.output}"
        outputs.setdefault(args[0], []).append(result.output)
    assert '"type": "Gunmaker"' in outputs["extract"][0]
    assert "10 added" in outputs["ingest"][0]
    assert "Smith & Wesson" in outputs["query"][0] and "Barrett" in outputs["query"][1]
    assert "conforms" in outputs["validate"][0]
    assert "Smith & Wesson" in outputs["path"][0] and "Harfuch" in outputs["path"][0]
    assert "Mexico" in outputs["flows"][0]
