"""Work queues: mine, IROC, review, intel, drafts, my reports (SPEC §4)."""
