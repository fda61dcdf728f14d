"""Model permissions of the evaluation app per role (each model's scope path decides which rows).

The district's evaluators (考评办) run the assessment: rounds, survey imports, rule versions,
computing, reviewing and publishing results, bonuses. Street sub-centres, community workstations and
department handlers read their own published results and fill in their party's score sheets;
community and street staff also enter their workers' quarterly assessments. Grid workers: nothing.
"""
from core.roles import Role


def _perms(action: str, *models: str) -> list[str]:
    return [f"evaluation.{action}_{model}" for model in models]


READ_OWN = _perms("view", "period", "round", "criterion", "scoresheet", "resultrun", "subjectresult", "scoringrule")
FILL_SHEETS = [*READ_OWN, *_perms("change", "scoresheet")]
ASSESS_WORKERS = _perms("view", "workerassessment") + _perms("add", "workerassessment") + _perms(
    "change", "workerassessment")

ROLE_PERMISSIONS = {
    Role.COMMUNITY_STAFF: [*FILL_SHEETS, *ASSESS_WORKERS],
    Role.STREET_DISPATCHER: [*FILL_SHEETS, *ASSESS_WORKERS],
    Role.DEPARTMENT_HANDLER: FILL_SHEETS,
    Role.EVALUATOR: [
        *_perms("add", "round", "surveyimport", "scoringrule", "bonusrule", "resultrun", "bonusrun",
                "workerassessment"),
        *_perms("change", "round", "resultrun", "criterion", "workerassessment"),
    ],
}
