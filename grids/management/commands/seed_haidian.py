import time

from django.core.management.base import BaseCommand

from grids.demo import DEMO_PASSWORD, seed_demo_users
from grids.seeding import seed_staff, seed_structure


class Command(BaseCommand):
    help = "Load Haidian's grids, communities, departments and stations (idempotent); optionally staff and demo data."

    def add_arguments(self, parser):
        parser.add_argument("--staff", action="store_true", help="also load the 13,922 sunk-down staff")
        parser.add_argument("--demo", action="store_true", help="also create one demo login per role")

    def handle(self, *args, staff: bool, demo: bool, **options):
        started = time.monotonic()
        reports = [seed_structure()]
        if staff:
            reports.append(seed_staff())
        for report in reports:
            for label in report.created:
                self.stdout.write(f"{label}: {report.created[label]} created, {report.updated[label]} updated")
        if demo:
            accounts = seed_demo_users()
            self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
            for account in accounts:
                self.stdout.write(f"  {account.username:<14} {account.role:<20} {account.where}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f} s."))
