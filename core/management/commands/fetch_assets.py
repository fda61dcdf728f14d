from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.assets import CACHE, AssetError, install_all


class Command(BaseCommand):
    help = "Fetch the pinned front-end packages from the npm registry into static/vendor (integrity-checked)."

    def add_arguments(self, parser):
        parser.add_argument("--no-cache", action="store_true",
                            help=f"Neither read nor keep the tarballs in {CACHE} (an image build)")

    def handle(self, *args, **options):
        target = settings.BASE_DIR / "static" / "vendor"
        try:
            done = install_all(target, cache=None if options["no_cache"] else CACHE)
        except (AssetError, OSError) as error:
            raise CommandError(f"Could not fetch front-end assets: {error}") from error
        self.stdout.write(f"front-end assets: {', '.join(done) if done else 'up to date'}")
