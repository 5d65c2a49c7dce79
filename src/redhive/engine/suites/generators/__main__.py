"""`python -m redhive.engine.suites.generators [--check]`: write (or check) the generated suites."""

from __future__ import annotations

import sys

from redhive.engine.suites.generators.write import stale_files, write_all

if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        stale = stale_files()
        for path in stale:
            print(f"out of date: {path}")
        sys.exit(1 if stale else 0)
    for path in write_all():
        print(f"wrote {path}")
