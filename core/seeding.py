"""Seeding of the whole platform, app by app in layer order (grids first: the district's structure
and the demo logins), each step idempotent.

An app adds its reference (and demo) data by defining ``seed(*, demo: bool) -> SeedReport`` in
``<app>/seeding.py``; with ``demo`` the grids app also loads the 13,922 staff (``grids.seeding.
seed_staff``, optional bulk data otherwise) and the demo streets' people. An app whose demo has
something to say about itself defines ``summary() -> str`` in ``<app>/demo.py`` ("119 cases in 7
streets"); ``demo_summary`` gathers them for the quick start.
"""
from importlib import import_module

from .roles import PLATFORM_APPS


def _app_modules(name: str):
    for app in PLATFORM_APPS:
        try:
            yield import_module(f"{app}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.{name}":
                raise


def seed_platform(*, demo: bool = False) -> list:
    return [module.seed(demo=demo) for module in _app_modules("seeding")]


def demo_summary() -> list[str]:
    """What the loaded district holds, a few words per app, in layer order."""
    return [module.summary() for module in _app_modules("demo") if hasattr(module, "summary")]
