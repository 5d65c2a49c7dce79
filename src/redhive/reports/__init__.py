"""Reports and exports of runs: HTML, JSONL, JUnit XML."""
