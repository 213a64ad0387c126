from storage.store import Store


def test_store_opens_and_migrates(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        from storage.migrate import HEAD, current_revision

        assert current_revision(store.engine) == HEAD
    finally:
        store.close()
