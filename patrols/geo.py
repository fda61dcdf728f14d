"""Where a check-in was made, against its grid and its point: distances on the sphere and the grid's boundary
(``grids.geometry``'s in-memory index of unit grids)."""
import math

from grids.geometry import locate_unit_grid

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine): ample for a few hundred metres on a phone."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def within_grid(grid_code: str, lat: float, lng: float) -> bool:
    located = locate_unit_grid(lat, lng)
    return located is not None and located.code == grid_code
