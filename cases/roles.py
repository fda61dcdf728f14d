from core.roles import Role

# change_case: may take workflow actions (which ones, on which cases, the workflow table decides).
ACTING = ["cases.view_case", "cases.add_case", "cases.change_case", "cases.view_category", "cases.view_caseevent",
          "cases.add_attachment", "cases.view_attachment"]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: ACTING,
    Role.COMMUNITY_STAFF: ACTING,
    Role.STREET_DISPATCHER: ACTING,
    Role.DEPARTMENT_HANDLER: ACTING,
    Role.DISTRICT_COMMANDER: ACTING,
    Role.EVALUATOR: [],
    Role.AUDITOR: [],
}
