"""Celery beat with a leader: any number of beat processes may run, one of them sends the periodic jobs.

Two schedulers reading one database schedule would each send every job (django-celery-beat has no lock of its own).
Here each holds out for a Redis lock: the holder sends and renews it on every tick; the others stand by and take
over when it lapses (a killed leader, or one cut off from Redis). The leader writes each job's last run to the
database as soon as it sends it, and a new leader reads them back before it sends anything, so a takeover neither
repeats nor skips a job. Without Redis (the embedded demo, one beat) the scheduler runs unlocked.
"""
import logging

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)


class LeaderDatabaseScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self._lock = _leader_lock()
        self._leading = False
        kwargs["sync_every_tasks"] = 1  # each job's last run reaches the database before a successor could read it
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if self._lock is not None and not self._lead():
            return min(self.max_interval, settings.BEAT_LEADER_LOCK_SECONDS / 3)  # stand by; ask again soon
        return super().tick(*args, **kwargs)

    @property
    def leading(self) -> bool:
        return self._lock is None or self._leading

    def _lead(self) -> bool:
        try:
            if self._leading:
                self._lock.reacquire()
            elif self._lock.acquire(blocking=False):
                self._take_over()
        except LockError:  # the lock lapsed while we were away: someone else may lead now
            logger.warning("beat lost the leader lock; standing by")
            self._leading = False
        except RedisError:
            logger.warning("beat cannot reach Redis for the leader lock; standing by", exc_info=True)
            self._leading = False
        return self._leading

    def _take_over(self) -> None:
        logger.warning("beat is now the leader and sends the periodic jobs")
        self._leading = True
        # Read every job afresh (the previous leader wrote their last runs), as of now, and rebuild the heap from it.
        self._last_timestamp = self.Changes.last_change()
        self._schedule = self.all_as_schedule()
        self._heap = None


def _leader_lock():
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    # Not thread-local: beat may tick from a thread other than the one that took the lock.
    return client.lock(settings.BEAT_LEADER_LOCK_NAME, timeout=settings.BEAT_LEADER_LOCK_SECONDS, thread_local=False)
