"""Benchmarks and the synthetic portfolios they run on (not part of the installed application)."""
