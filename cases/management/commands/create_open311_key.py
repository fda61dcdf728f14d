from django.core.management.base import BaseCommand, CommandError

from cases.open311.services import open311_client_create


class Command(BaseCommand):
    help = "Issue an Open311 API key for a client system; the key is printed once and stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name: str, **options):
        from django.core.exceptions import ValidationError

        try:
            client, key = open311_client_create(name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
