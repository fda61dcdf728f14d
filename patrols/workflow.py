"""A patrol's lifecycle on one screen: started (``services.patrol_start``), checked in at points while in
progress, ended. Only the worker who started it takes its steps (403 for anyone else who sees it); a step on
an ended patrol is a 409, as everywhere on the platform (``core.workflow``)."""
from django.utils.translation import gettext_lazy as _

from core.workflow import Transition as T
from core.workflow import Workflow

from .models import Patrol

PATROLLER = "patroller"
CHECK_IN, END = "check_in", "end"

P = Patrol.Status
PATROL_WORKFLOW = Workflow("patrol", {
    CHECK_IN: T((P.IN_PROGRESS,), None, PATROLLER, _("Check in here")),
    END: T((P.IN_PROGRESS,), P.ENDED, PATROLLER, _("End the patrol")),
}, deciders={PATROLLER: lambda user, patrol: patrol.patroller_id == user.pk}, permission="patrols.change_patrol")
