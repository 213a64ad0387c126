"""The domain of Learning Cycles: the iterate loop, scales, cadence, decisions and history.

This package imports no UI, database or scheduler library (a checked contract, see pyproject).
"""

__version__ = "0.1.0"
