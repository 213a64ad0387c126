"""The schema revision this code expects; kept apart so that fast paths can check it cheaply."""

HEAD = "0003"  # the newest Alembic revision; tests check it against the scripts
