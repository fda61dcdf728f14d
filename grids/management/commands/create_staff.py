from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.roles import Role
from grids.models import StaffProfile
from grids.services import staff_create


def validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Create a staff login with its role and scope."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--grid", default="", help="grid code (unit grid, or street for a dispatcher)")
        parser.add_argument("--department", default="", help="department or station code")
        parser.add_argument("--password", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--post", default=StaffProfile.Post.GENERAL, choices=StaffProfile.Post.values)
        parser.add_argument("--phone", default="")
        parser.add_argument("--duties", default="")

    def handle(self, *args, **options):
        try:
            user = staff_create(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                full_name=options["full_name"],
                grid_code=options["grid"],
                department_code=options["department"],
                post=options["post"],
                phone=options["phone"],
                duties=options["duties"],
            )
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({options['role']})."))
