"""Writing: the store, its units of work, the repository, bulk inserts, keeping stored pieces true."""
