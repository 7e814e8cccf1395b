"""The nightly deployment: the ingestion flow served with a cron schedule."""
from __future__ import annotations

import flows  # noqa: F401  (sets Prefect's environment first)

from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL

from flows.ingest_flow import ingest_sources


def nightly_schedule(cron: str = "0 2 * * *", timezone: str = "Europe/Paris") -> Cron:
    return Cron(cron, timezone=timezone)


def serve_nightly(name: str = "nightly", cron: str = "0 2 * * *", timezone: str = "Europe/Paris",
                  db: str = "data/curated/warehouse.duckdb", manifest: str = "data/raw/sources.toml") -> None:
    """Register the deployment and run its scheduled flow runs until interrupted."""
    if not PREFECT_API_URL.value():
        raise RuntimeError(
            "no Prefect server configured: Prefect cannot schedule flows on its temporary server. "
            "Start one with `prefect server start` and set PREFECT_API_URL "
            "(e.g. `prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api`); see README")
    ingest_sources.serve(name=name, schedules=[nightly_schedule(cron, timezone)],
                         parameters={"manifest": manifest, "db": db, "fetch": True},
                         description="Nightly ingestion of every source of the manifest")
