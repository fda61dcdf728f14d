from core.roles import Role

# change_case: may take workflow actions (which ones, on which cases, the workflow table decides).
ACTING = ["cases.view_case", "cases.add_case", "cases.change_case", "cases.view_category", "cases.view_caseevent",
          "cases.add_attachment", "cases.view_attachment"]
# The hotline desk: a caller's call recorded on their open case (cases/hotline.py). The call-taker files cases and
# records calls but takes no step of the workflow (no change_case).
FOLLOW_UP = "cases.record_follow_up"
CALL_TAKING = ["cases.view_case", "cases.add_case", "cases.view_category", "cases.view_caseevent",
               "cases.view_attachment", FOLLOW_UP]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: ACTING,
    Role.COMMUNITY_STAFF: [*ACTING, FOLLOW_UP],
    Role.STREET_DISPATCHER: [*ACTING, FOLLOW_UP],
    Role.DEPARTMENT_HANDLER: ACTING,
    Role.DISTRICT_COMMANDER: [*ACTING, FOLLOW_UP],
    Role.CALL_TAKER: CALL_TAKING,
    Role.EVALUATOR: [],
    Role.AUDITOR: [],
}
