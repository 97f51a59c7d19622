"""`python -m bench.classify`: seconds `kg.sparql_syntax.classify` takes on the worst hostile bodies.

Each body repeats one piece that once made a backtracking pattern explode (runs of `#`, white
space, PREFIX lines, quotes, unclosed IRIs...) up to the given size and ends in a syntax error.
The classifier must stay linear: one second per 100 kB is the bound its tests hold it to.
"""

from __future__ import annotations

import argparse
import time

from kg.sparql_syntax import classify

#: Pieces whose runs stress a scanner or a backtracking pattern.
PIECES = (
    "#",
    " ",
    "\n",
    "\t#\n",
    "PREFIX p: <http://example.org/>\n",
    "    PREFIX q:<urn:x> ",
    "BASE <urn:b> ",
    "# PREFIX x: <y>\n",
    '"',
    "'",
    '"""',
    "'''",
    '"\\',
    "\\",
    "<",
    "<a",
    "{",
    "}",
    "?",
    "$x ",
    "a.",
    "@en",
    "SELECT ",
    "INSERT ",
    "LOAD ",
    "SERVICE <urn:s> ",
)


def hostile(piece: str, size: int) -> str:
    """`piece` repeated to `size` characters, then a broken keyword, so no pattern ever matches."""
    return (piece * (size // len(piece) + 1))[:size] + " SELEC"


def seconds(text: str) -> float:
    start = time.perf_counter()
    classify(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters per body (default 100 kB)")
    args = parser.parse_args()
    timings = sorted(((seconds(hostile(piece, args.size)), piece) for piece in PIECES), reverse=True)
    for took, piece in timings:
        print(f"{took * 1000:8.1f} ms  {piece!r}")
    print(f"worst: {timings[0][0] * 1000:.1f} ms for {args.size} characters of {timings[0][1]!r}")


if __name__ == "__main__":
    main()
