"""`python -m redhive.cli`: the same as the `redhive` command."""

from redhive.cli import main

if __name__ == "__main__":
    main()
