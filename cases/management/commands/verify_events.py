from django.core.management.base import BaseCommand, CommandError

from cases.integrity import verify_trails


class Command(BaseCommand):
    help = "Verify the hash chain of every case's audit trail and that each case's state equals its events."

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="only these case numbers")

    def handle(self, *args, numbers, **options):
        checked, problems = verify_trails(numbers or None)
        for problem in problems:
            self.stderr.write(f"{problem.number}: {problem.message}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} case trail(s).")
        self.stdout.write(self.style.SUCCESS(f"{checked} case trail(s) verified."))
