"""Database: SQLAlchemy 2 models' base (`base`), engines and sessions (`session`), Alembic migrations.

Nothing is imported here: `redhive.db.session` loads SQLAlchemy only when a database is first used."""
