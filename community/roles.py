"""Model permissions of the community app per role (scope still decides which rows)."""
from core.roles import Role


def _perms(action: str, *models: str) -> list[str]:
    return [f"community.{action}_{model}" for model in models]


CIRCLE = ["servicecirclesite", "serviceprovider", "serviceoutlet"]
GRID_WORK = ["household", "visit", "attendancerecord", "caretarget", "carepairing", "carecontact"]
VOLUNTEERING = ["volunteerorg", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"]
DELIBERATION = ["deliberationmeeting", "meetingparticipant", "followupaction"]
MATTERS = ["practicalmatter", "mattermilestone", "mattercomment", "matterrating"]
READ_ALL = _perms("view", *CIRCLE, "visitcategory", *GRID_WORK, *VOLUNTEERING, *DELIBERATION, *MATTERS)

# Community and street staff run the community's work; grid workers keep their grid's registers.
COMMUNITY_WORK = [
    *READ_ALL,
    *_perms("add", *GRID_WORK), *_perms("change", *GRID_WORK),
    *_perms("add", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"),
    *_perms("change", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"),
    *_perms("add", *DELIBERATION), *_perms("change", *DELIBERATION),
    *_perms("add", *MATTERS), *_perms("change", "practicalmatter", "mattermilestone"),
]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: [
        *READ_ALL,
        *_perms("add", *GRID_WORK), *_perms("change", *GRID_WORK),
        *_perms("add", "activitysignup"), *_perms("change", "activitysignup"),
        *_perms("add", "practicalmatter", "mattercomment"),
    ],
    Role.COMMUNITY_STAFF: COMMUNITY_WORK,
    Role.STREET_DISPATCHER: [*COMMUNITY_WORK, *_perms("add", "volunteerorg"), *_perms("change", "volunteerorg")],
    Role.DEPARTMENT_HANDLER: _perms("view", *CIRCLE),
    Role.DISTRICT_COMMANDER: [
        *_perms("add", *CIRCLE, "volunteerorg"), *_perms("change", *CIRCLE, "volunteerorg", "visitcategory"),
    ],
}
