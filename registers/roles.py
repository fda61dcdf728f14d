"""Model permissions of the base registers per role, and who may read the registers at all.

Houses, residents and places are the grid's base data (掌握基础数据, 管理实有人口): the grid's own staff and the
street above keep them; the district command centre reads them (with identity numbers and phones masked, see
``privacy``); evaluators, auditors, department handlers and the hotline never do.
"""
from core.roles import Role

READERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER, Role.DISTRICT_COMMANDER})
# The roles that keep the registers; within their own grids or street they read them unmasked.
KEEPERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER})

MODELS = ["house", "resident", "place"]


def _perms(action: str, *models: str) -> list[str]:
    return [f"registers.{action}_{model}" for model in models]


# Left out of the district readers' "view everything"; the district commander is granted them by name.
SENSITIVE_VIEW = _perms("view", *MODELS)
# Whoever may add every kind of row may import a workbook.
ADD_EVERY = tuple(_perms("add", *MODELS))
KEEPING = [*_perms("view", *MODELS), *_perms("add", *MODELS), *_perms("change", *MODELS)]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: KEEPING,
    Role.COMMUNITY_STAFF: KEEPING,
    Role.STREET_DISPATCHER: KEEPING,
    Role.DISTRICT_COMMANDER: _perms("view", *MODELS),
}
