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

# Residents' democratic supervision: a community's staff and its street convene the committee and record its
# questions and ratings; the street keeps its committees and representatives and answers for the street office;
# the stations in the street see the rounds and answer what is put to them.
SUPERVISION_RECORDS = ["supervisioncommittee", "supervisionround", "supervisionquestion", "supervisionrating"]
CONVENE = [*_perms("view", *SUPERVISION_RECORDS, "representative"), *_perms("add", "supervisionround"),
           *_perms("change", "supervisionround")]
KEEP_COMMITTEES = _perms("add", "supervisioncommittee", "representative") + _perms(
    "change", "supervisioncommittee", "representative")

ROLE_PERMISSIONS = {
    Role.COMMUNITY_STAFF: [*FILL_SHEETS, *ASSESS_WORKERS, *CONVENE],
    Role.STREET_DISPATCHER: [*FILL_SHEETS, *ASSESS_WORKERS, *CONVENE, *KEEP_COMMITTEES,
                             *_perms("change", "supervisionquestion")],
    Role.DEPARTMENT_HANDLER: [*FILL_SHEETS, *_perms("view", *SUPERVISION_RECORDS),
                              *_perms("change", "supervisionquestion")],
    Role.EVALUATOR: [
        *_perms("add", "round", "surveyimport", "scoringrule", "bonusrule", "resultrun", "bonusrun",
                "workerassessment", "supervisionround"),
        *_perms("change", "round", "resultrun", "criterion", "workerassessment", "supervisionround"),
        *KEEP_COMMITTEES,
    ],
}
