import json
import time

from django.core.management.base import BaseCommand

from core.seeding import demo_summary, seed_platform
from grids.demo import DEMO_PASSWORD, demo_accounts
from grids.seeding import seed_staff


class Command(BaseCommand):
    help = "Load Haidian's grids, communities, departments, stations and each app's reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--staff", action="store_true", help="also load the 13,922 sunk-down staff")
        parser.add_argument("--demo", action="store_true",
                            help="also load the demo: the staff, one login per role, and cases, households, matters "
                                 "and organisations in seven streets in every status")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print one line of JSON (what the district holds, the demo logins) instead of text")

    def handle(self, *args, staff: bool, demo: bool, as_json: bool, **options):
        started = time.monotonic()
        reports = seed_platform(demo=demo)
        if staff:
            reports.append(seed_staff())
        seconds = round(time.monotonic() - started, 1)
        logins = [[a.username, str(a.role), a.where, a.full_name] for a in demo_accounts()] if demo else []
        if as_json:
            changed = any(report.changed_anything for report in reports)
            self.stdout.write(json.dumps({"summary": demo_summary(), "changed": changed, "seconds": seconds,
                                          "logins": logins, "password": DEMO_PASSWORD if demo else ""},
                                         ensure_ascii=False))
            return
        for report in reports:
            for label in report.created:
                self.stdout.write(f"{label}: {report.created[label]} created, {report.updated[label]} updated")
        if demo:
            self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
            for username, role, where, _name in logins:
                self.stdout.write(f"  {username:<14} {role:<20} {where}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {seconds} s: {'; '.join(demo_summary())}."))
