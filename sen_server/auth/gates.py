"""What a user still owes before they may work: a new password, a rules acknowledgment."""

from datetime import datetime, timedelta

from sen_server.models import User
from sen_server.settings import ServerSettings


def owes_password_change(user: User, now: datetime, settings: ServerSettings) -> bool:
    if user.must_change_password:
        return True
    max_age = settings.password_max_age_days
    return max_age > 0 and now - user.password_changed_at >= timedelta(days=max_age)


def owes_rules_acknowledgment(user: User, now: datetime, settings: ServerSettings) -> bool:
    acknowledged = user.rules_acknowledged_at
    if acknowledged is None:
        return True
    interval = settings.rules_interval_days
    return interval > 0 and now - acknowledged >= timedelta(days=interval)
