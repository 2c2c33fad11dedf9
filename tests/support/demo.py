"""The SPEC §11 demo organisation, seeded with one known password for every account."""

from sen_server.demo.build import build_demo
from sen_server.settings import ServerSettings

DEMO_PASSWORD = "synthetic-demo-pass-2026"


async def seed_demo(settings: ServerSettings, reports: int = 0) -> None:
    # A fixed seed: the same people, offices and reports on every run.
    await build_demo(settings, DEMO_PASSWORD, reports=reports, seed=7)
