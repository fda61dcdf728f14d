"""Model permissions of the patrols app per role (scope still decides which grids). Grid workers walk their
grids' patrols and keep their points; community and street staff set the plans and may patrol too. The
district reads everything (``core.roles.DISTRICT_READERS``)."""
from core.roles import Role


def _perms(action: str, *models: str) -> list[str]:
    return [f"patrols.{action}_{model}" for model in models]


READ = _perms("view", "patrolplan", "patrolpoint", "patrol", "checkin")
PATROLLING = [*READ, *_perms("add", "patrol", "checkin", "patrolpoint"), *_perms("change", "patrol", "patrolpoint")]
PLANNING = [*PATROLLING, *_perms("add", "patrolplan"), *_perms("change", "patrolplan")]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: PATROLLING,
    Role.COMMUNITY_STAFF: PLANNING,
    Role.STREET_DISPATCHER: PLANNING,
}
