import time

from django.core.management.base import BaseCommand

from core.seeding import seed_platform
from grids.demo import DEMO_PASSWORD, demo_accounts
from grids.seeding import seed_staff


class Command(BaseCommand):
    help = "Load Haidian's grids, communities, departments, stations and each app's reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--staff", action="store_true", help="also load the 13,922 sunk-down staff")
        parser.add_argument("--demo", action="store_true", help="also create one demo login per role and demo data")

    def handle(self, *args, staff: bool, demo: bool, **options):
        started = time.monotonic()
        reports = seed_platform(demo=demo)
        if staff:
            reports.append(seed_staff())
        for report in reports:
            for label in report.created:
                self.stdout.write(f"{label}: {report.created[label]} created, {report.updated[label]} updated")
        if demo:
            self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
            for account in demo_accounts():
                self.stdout.write(f"  {account.username:<14} {account.role:<20} {account.where}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f} s."))
