"""IROC summaries (SPEC §5): distribution lists, the composer's drafts, the email and its
delivery through the outbox."""
