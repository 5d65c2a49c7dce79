"""The web layer: the request dependencies, the one error handler, templates and the page shell.
Every domain's `routes.py` (JSON under /api) and `pages.py` (HTML) are mounted by redhive.app."""
