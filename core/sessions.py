"""Sessions in the database, as Django keeps them, with the read that every signed-in request makes prepared once per
process (``core.prepared``): building and compiling that look-up cost the request more than PostgreSQL spends on it."""
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery

sessions_by_key = PreparedQuery(lambda _key, *, session_key, now: Session.objects.filter(session_key=session_key,
                                                                                          expire_date__gt=now))


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = sessions_by_key(None, session_key=self.session_key, now=timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
