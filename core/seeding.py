"""Seeding of the whole platform: the district's structure first, then each app's own data.

An app adds its reference (and demo) data by defining ``seed(demo: bool) -> SeedReport`` in
``<app>/seeding.py``; it runs after the structure and the demo logins exist. Every step is
idempotent.
"""
from importlib import import_module

from .roles import PLATFORM_APPS


def seed_platform(*, staff: bool = False, demo: bool = False) -> list:
    from grids.demo import seed_demo_users
    from grids.seeding import seed_staff, seed_structure

    reports = [seed_structure()]
    if staff:
        reports.append(seed_staff())
    if demo:
        seed_demo_users()
    for app in PLATFORM_APPS[1:]:
        try:
            module = import_module(f"{app}.seeding")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.seeding":
                raise
            continue
        reports.append(module.seed(demo=demo))
    return reports
