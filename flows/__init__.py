"""Prefect flows (thin): they call the same pipeline functions as ``delib ingest``."""
from __future__ import annotations

import os
from pathlib import Path

# Keep Prefect's home inside the project (git-ignored) and its telemetry off, unless the user
# configured otherwise. Must run before prefect is imported.
os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# results hold nothing but counts; never persist them by default
os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
