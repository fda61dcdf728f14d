"""What the demo's base registers hold, for the quick start's summary."""
from .models import House, Place, Resident


def summary() -> str:
    houses = House.objects.all()
    return (f"{houses.count():,} houses, {Resident.objects.count():,} residents and {Place.objects.count():,} places "
            f"on the registers of {houses.values('grid').distinct().count()} grids")
