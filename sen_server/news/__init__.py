"""News tracking (SPEC §7): public affairs lists NEWS stories and links them to reports."""
