"""Model permissions of the orgs app per role. The district (command centre) runs registration,
incubation, purchases and awards; streets decide filings and handle complaints about their
organisations; community staff take complaints down."""
from core.roles import Role

MODELS = ["socialorganisation", "incubationsite", "tenancy", "incubationservice", "catalogueitem",
          "purchaseproject", "projectmilestone", "award", "complaint"]


def _perms(action: str, *models: str) -> list[str]:
    return [f"orgs.{action}_{model}" for model in models]


READ_ALL = _perms("view", *MODELS)

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: _perms("view", "socialorganisation"),
    Role.CALL_TAKER: _perms("view", "socialorganisation"),
    Role.COMMUNITY_STAFF: [*_perms("view", "socialorganisation", "complaint"), *_perms("add", "complaint")],
    Role.STREET_DISPATCHER: [
        *READ_ALL, *_perms("add", "socialorganisation", "complaint"),
        *_perms("change", "socialorganisation", "complaint"),
    ],
    Role.DISTRICT_COMMANDER: [*_perms("add", *MODELS), *_perms("change", *MODELS)],
}
