"""Administration of accounts and offices over the API (SPEC §1, §10, §12)."""
