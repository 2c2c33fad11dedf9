"""Statistics (SPEC §7): counts from a rollup kept in step with the reports."""
