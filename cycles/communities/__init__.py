"""The communities that ship with Learning Cycles: SPARK's file (``spark.toml``) and its example."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

REPO_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spark.yaml"


def example_path() -> Path:
    """SPARK's example portfolio: shipped inside the package, or beside it in a source checkout."""
    shipped = resources.files("cycles.communities").joinpath("spark.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return REPO_EXAMPLE
