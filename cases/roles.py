from core.roles import Role

# change_case: may take workflow actions (which ones, on which cases, the workflow table decides).
ACTING = ["cases.view_case", "cases.add_case", "cases.change_case", "cases.view_category", "cases.view_caseevent",
          "cases.add_attachment", "cases.view_attachment", "cases.view_replytemplate"]
# A department keeps its own reply templates (常用语) in the admin; the district keeps the district-wide ones.
KEEPS_REPLY_TEMPLATES = ["cases.add_replytemplate", "cases.change_replytemplate", "cases.delete_replytemplate"]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: ACTING,
    Role.COMMUNITY_STAFF: ACTING,
    Role.STREET_DISPATCHER: ACTING,
    Role.DEPARTMENT_HANDLER: [*ACTING, *KEEPS_REPLY_TEMPLATES],
    Role.DISTRICT_COMMANDER: [*ACTING, *KEEPS_REPLY_TEMPLATES],
    Role.EVALUATOR: [],
    Role.AUDITOR: [],
}
