"""Reads with the database driver alone (no ORM): the SQL texts several paths share, and the quick reads."""
