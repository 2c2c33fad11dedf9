"""The texts a user must see: the system-use notice and the Rules of Behavior."""

SYSTEM_USE_NOTICE = """\
You are accessing a U.S. Government information system (synthetic demonstration).
Usage may be monitored, recorded and audited. Unauthorized use is prohibited and
subject to criminal and civil penalties. By logging in you consent to these terms.
Information here is LAW ENFORCEMENT SENSITIVE: share it only with those who need to know."""

RULES_VERSION = "2026-1"

RULES_OF_BEHAVIOR = """\
SEN Rules of Behavior (version 2026-1)

1. Use SEN only for official duties and view only the reports you need for them.
2. Enter only the personal information a report type asks for; never more.
3. Do not share your password or leave a session unlocked and unattended.
4. Share report content outside the agency only through recorded disseminations.
5. Report suspected misuse or compromise to your ISSO at once.
6. Every view and change you make is recorded in a tamper-evident audit log."""
