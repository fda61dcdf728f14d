"""Model permissions of the community app per role (scope still decides which rows), and the
roles that may see residents' personal records at all."""
from core.roles import Role

# Residents' records (must-visit households and their visits, attendance, neighbour care) belong to
# the grid's own staff and the supervisors above them. Evaluators and auditors read every other
# register of the district, but not these; department handlers never do.
SENSITIVE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER, Role.DISTRICT_COMMANDER})


def _perms(action: str, *models: str) -> list[str]:
    return [f"community.{action}_{model}" for model in models]


CIRCLE = ["servicecirclesite", "serviceprovider", "serviceoutlet"]
GRID_WORK = ["household", "visit", "attendancerecord", "caretarget", "carepairing", "carecontact"]
VOLUNTEERING = ["volunteerorg", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"]
DELIBERATION = ["deliberationmeeting", "meetingparticipant", "followupaction"]
MATTERS = ["practicalmatter", "mattermilestone", "mattercomment", "matterrating"]
# 三位一体 posts and 四方共建 bodies (owners' committees, property companies and their contacts).
STRUCTURES = ["bodypost", "ownerscommittee", "propertycompany", "bodycontact"]
READ_ALL = _perms("view", *CIRCLE, "visitcategory", *GRID_WORK, *VOLUNTEERING, *DELIBERATION, *MATTERS,
                  *STRUCTURES)
# Left out of the district readers' "view everything": only the roles above (SENSITIVE_ROLES) hold them.
SENSITIVE_VIEW = _perms("view", *GRID_WORK)

# Community and street staff run the community's work; grid workers keep their grid's registers.
COMMUNITY_WORK = [
    *READ_ALL,
    *_perms("add", *GRID_WORK), *_perms("change", *GRID_WORK),
    *_perms("add", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"),
    *_perms("change", "volunteerteam", "volunteer", "volunteeractivity", "activitysignup"),
    *_perms("add", *DELIBERATION), *_perms("change", *DELIBERATION),
    *_perms("add", *MATTERS), *_perms("change", "practicalmatter", "mattermilestone"),
    *_perms("add", *STRUCTURES), *_perms("change", *STRUCTURES),
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
    # The hotline answers residents about what the district runs for them (activities, practical matters, the
    # service circles); it changes nothing here and never reads residents' records.
    Role.CALL_TAKER: [perm for perm in READ_ALL if perm not in SENSITIVE_VIEW],
    Role.DISTRICT_COMMANDER: [
        *SENSITIVE_VIEW,
        *_perms("add", *CIRCLE, "volunteerorg"), *_perms("change", *CIRCLE, "volunteerorg", "visitcategory"),
    ],
}
