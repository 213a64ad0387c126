"""Alembic environment: runs inside the connection and transaction that ``storage.schema.migrate`` opens."""

from alembic import context

from storage.schema.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` on the command line, for writing new revisions
    from storage.schema.engine import make_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///migrations-dev.db"
    with make_engine(url).connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    # render_as_batch: SQLite alters tables by copying them, in the same transaction.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
