"""Model permissions of the orgs app per role. The district (command centre) runs registration,
incubation, purchases, awards and the innovation fund; streets decide filings and handle complaints
about their organisations; community staff take complaints down and apply to the fund for their
community."""
from core.roles import Role

FUND_MODELS = ["fundbudget", "fundcall", "fundapplication", "fundmilestone", "fundreview", "organisationmember"]
MODELS = ["socialorganisation", "incubationsite", "tenancy", "incubationservice", "catalogueitem",
          "purchaseproject", "projectmilestone", "award", "complaint", *FUND_MODELS]


def _perms(action: str, *models: str) -> list[str]:
    return [f"orgs.{action}_{model}" for model in models]


READ_ALL = _perms("view", *MODELS)
# The innovation fund's applicants: a community's staff, an organisation's own people.
APPLICANT = [
    *_perms("view", "fundcall", "fundapplication", "fundmilestone", "fundbudget"),
    *_perms("add", "fundapplication"), *_perms("change", "fundapplication", "fundmilestone"),
]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: _perms("view", "socialorganisation"),
    Role.CALL_TAKER: _perms("view", "socialorganisation"),
    Role.COMMUNITY_STAFF: [*_perms("view", "socialorganisation", "complaint"), *_perms("add", "complaint"), *APPLICANT],
    Role.STREET_DISPATCHER: [
        *READ_ALL, *_perms("add", "socialorganisation", "complaint"),
        *_perms("change", "socialorganisation", "complaint"),
    ],
    Role.DISTRICT_COMMANDER: [*_perms("add", *MODELS), *_perms("change", *MODELS)],
}

# A social organisation's own people (``OrganisationMember``) have no platform role but one group:
# they see the calls and their organisation's applications, enter and submit them, and report
# milestones done. A community applies for itself the same way, through its staff.
MEMBER_GROUP = "organisation_member"
MEMBER_PERMISSIONS = APPLICANT


def sync_member_group(**kwargs) -> None:
    """The members' group holds exactly ``MEMBER_PERMISSIONS`` (after every migrate, like the role groups)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=MEMBER_GROUP)
    codenames = [spec.split(".", 1)[1] for spec in MEMBER_PERMISSIONS]
    group.permissions.set(Permission.objects.filter(content_type__app_label="orgs", codename__in=codenames))
