"""Reusable widgets of the board: the grid and the timeline (both drawn with the Line API)."""
