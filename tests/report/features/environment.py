"""The project's own hooks (environment.py at the root), for the report's test features."""

import runpy
from pathlib import Path

globals().update(runpy.run_path(str(Path(__file__).resolve().parents[3] / "environment.py")))
