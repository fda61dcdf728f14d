from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grids.staff_import import StaffImportError, read_rows, staff_import


class Command(BaseCommand):
    help = "Import staff from a .csv or .xlsx file. Every row is checked first; one bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            created = staff_import(read_rows(file))
        except StaffImportError as error:
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"Nothing imported: {len(error.errors)} problem(s) in {file.name}.") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {len(created)} staff from {file.name}."))
