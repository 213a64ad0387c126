"""The tables, their Alembic migrations, and connecting to the database."""
