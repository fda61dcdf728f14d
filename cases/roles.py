from core.roles import Role

# change_case: may take workflow actions (which ones, on which cases, the workflow table decides).
ACTING = ["cases.view_case", "cases.add_case", "cases.change_case", "cases.view_category", "cases.view_caseevent",
          "cases.add_attachment", "cases.view_attachment", "cases.view_callback", "cases.view_replytemplate",
          "cases.view_caseexport"]
# A department keeps its own reply templates (常用语) in the admin; the district keeps the district-wide ones.
KEEPS_REPLY_TEMPLATES = ["cases.add_replytemplate", "cases.change_replytemplate", "cases.delete_replytemplate"]

# add_callback: may record callbacks (on which cases: ``callbacks.may_call_back``); the community dispatches the
# micro-cycle, so it calls back on those cases too.
CALLING_BACK = [*ACTING, "cases.add_callback"]

# The hotline desk: a caller's call recorded on their open case (cases/hotline.py). The call-taker files cases and
# records calls but takes no step of the workflow (no change_case).
FOLLOW_UP = "cases.record_follow_up"
# The desk calls back after closure (回访) too.
CALL_TAKING = ["cases.view_case", "cases.add_case", "cases.view_category", "cases.view_caseevent",
               "cases.view_attachment", FOLLOW_UP, "cases.view_callback", "cases.add_callback",
               "cases.view_replytemplate", "cases.view_caseexport"]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: ACTING,
    Role.COMMUNITY_STAFF: [*CALLING_BACK, FOLLOW_UP],
    Role.STREET_DISPATCHER: [*CALLING_BACK, FOLLOW_UP],
    Role.DEPARTMENT_HANDLER: [*ACTING, *KEEPS_REPLY_TEMPLATES],
    Role.DISTRICT_COMMANDER: [*CALLING_BACK, FOLLOW_UP, *KEEPS_REPLY_TEMPLATES],
    Role.CALL_TAKER: CALL_TAKING,
    Role.EVALUATOR: [],
    Role.AUDITOR: [],
}
