"""Whether the tests run under CI, where a missing tool or database is a failure, not a skip."""

import os

ON_CI = os.environ.get("CI", "").lower() == "true"
