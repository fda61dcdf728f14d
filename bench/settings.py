"""The platform's settings plus the bare DRF endpoint that intake is compared with (installed only for the bench)."""
from haidian.settings import *  # noqa: F403
from haidian.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
ROOT_URLCONF = "bench.urls"
