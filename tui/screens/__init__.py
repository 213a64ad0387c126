"""The board's screens: one per file, each with its stylesheet beside it."""
