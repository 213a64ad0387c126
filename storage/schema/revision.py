"""The schema revision this code expects; kept apart so that fast paths can check it cheaply."""

HEAD = "0004"  # the newest Alembic revision; tests check it against the scripts
