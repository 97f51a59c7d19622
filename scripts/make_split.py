"""Write `corpus/split.json`: a seeded train/dev/test split of every real annotated text.

Stratified by source part (news, US agency, US reports, US attorneys, UK/EU, Australia) so each split
sees every kind of text. The nine `news` texts tuned the first-wave rules, so they can only be train or
dev: a test score on them would flatter. `tests/heldout` and `tests/blind` are development data. Run once; the file
is the source of truth and is committed. Re-running with the same seed gives the same file.

    python scripts/make_split.py
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED = 20261207
SHARES = {"train": 0.6, "dev": 0.2}
#: Strata seen while the first-wave rules were tuned: never in the test split.
TUNED_ON = {"news"}


def part_of(path: Path) -> str:
    """The stratum of a text: its folder, and for folders with named parts the prefix before the number."""
    folder = path.parent.name
    return f"{folder}/{path.stem.split('-')[0]}" if folder != "news" else folder


def main() -> None:
    texts = sorted(p for p in CORPUS.glob("*/*.txt") if p.with_suffix("").with_suffix(".gold.json").exists())
    strata: dict[str, list[Path]] = defaultdict(list)
    for path in texts:
        strata[part_of(path)].append(path)
    rng = random.Random(SEED)
    split: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for name in sorted(strata):
        members = strata[name]
        rng.shuffle(members)
        n_train = round(len(members) * SHARES["train"])
        n_dev = len(members) - n_train if name in TUNED_ON else round(len(members) * SHARES["dev"])
        for index, path in enumerate(members):
            bucket = "train" if index < n_train else "dev" if index < n_train + n_dev else "test"
            split[bucket].append(path.relative_to(ROOT).as_posix())
    for extra in ("tests/heldout", "tests/blind"):
        split["dev"].extend(p.relative_to(ROOT).as_posix() for p in sorted((ROOT / extra).glob("*.txt")))
    document = {
        "seed": SEED,
        "shares": SHARES,
        "stratified_by": "source part",
        **{k: sorted(v) for k, v in split.items()},
    }
    (CORPUS / "split.json").write_text(json.dumps(document, indent=2) + "\n")
    print({k: len(v) for k, v in split.items()})


if __name__ == "__main__":
    main()
