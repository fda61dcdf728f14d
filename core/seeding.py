"""Seeding of the whole platform, app by app in layer order (grids first: the district's structure
and the demo logins), each step idempotent.

An app adds its reference (and demo) data by defining ``seed(*, demo: bool) -> SeedReport`` in
``<app>/seeding.py``. The 13,922 staff are optional bulk data: ``grids.seeding.seed_staff``.
"""
from importlib import import_module

from .roles import PLATFORM_APPS


def seed_platform(*, demo: bool = False) -> list:
    reports = []
    for app in PLATFORM_APPS:
        try:
            module = import_module(f"{app}.seeding")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.seeding":
                raise
            continue
        reports.append(module.seed(demo=demo))
    return reports
