"""Rebuild the package-name snapshots from download rankings:

    python -m redhive.engine.scorers.packages.refresh --pypi top-pypi-packages.json --npm npm-downloads.tsv

`--pypi`: the public top-PyPI-packages ranking (JSON `{"rows": [{"project": …, "download_count": …}]}`,
as the top-pypi-packages project publishes it monthly), or a text/TSV file whose first column is a
name and optional second a download count. `--npm`: a text/TSV/CSV file of name and monthly
downloads. The `--top` most downloaded of each (15,000) are kept, normalised and sorted, with a
header saying where and when they came from."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from redhive.engine.scorers.packages import SNAPSHOTS

__all__ = ["main", "ranked_names"]


def ranked_names(path: Path, top: int, *, pypi: bool) -> list[str]:
    """The `top` most downloaded names in `path` (in file order where it gives no counts)."""
    text = path.read_text(encoding="utf-8")
    rows: list[tuple[str, float]] = []
    if path.suffix == ".json":
        for row in json.loads(text)["rows"]:
            rows.append((str(row["project"]), float(row.get("download_count") or 0)))
    else:
        for number, line in enumerate(text.splitlines()):
            cells = re.split(r"[\t,]", line.strip())
            if not cells[0] or cells[0].startswith("#") or cells[0] in ("name", "project"):
                continue
            count = float(cells[1]) if len(cells) > 1 and re.fullmatch(r"\d+(\.\d+)?", cells[1]) else -number
            rows.append((cells[0], count))
    rows.sort(key=lambda row: -row[1])
    names = {re.sub(r"[-_.]+", "-", name.lower()) if pypi else name.lower() for name, _ in rows[:top]}
    return sorted(names)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m redhive.engine.scorers.packages.refresh",
                                     description="Rebuild the hallucination detector's package-name snapshots.")
    parser.add_argument("--pypi", type=Path, help="the PyPI download ranking (JSON or TSV)")
    parser.add_argument("--npm", type=Path, help="npm names with monthly downloads (TSV or CSV)")
    parser.add_argument("--top", type=int, default=15_000, help="names kept per registry (15000)")
    args = parser.parse_args(argv)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    for registry, source in (("pypi", args.pypi), ("npm", args.npm)):
        if source is None:
            continue
        names = ranked_names(source, args.top, pypi=registry == "pypi")
        header = (f"# The {len(names):,} most downloaded {'PyPI' if registry == 'pypi' else 'npm'} packages, "
                  f"from {source.name}, refreshed {when}\n# by python -m redhive.engine.scorers.packages.refresh "
                  "(one normalised name a line)\n")
        SNAPSHOTS[registry].write_text(header + "\n".join(names) + "\n", encoding="utf-8")
        print(f"{SNAPSHOTS[registry]}: {len(names):,} names")


if __name__ == "__main__":
    main()
