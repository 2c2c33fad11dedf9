"""Intelligence (SPEC §6): lead triage, PII-stripped intel products under a two-person rule,
outside agencies, encrypted exports and the Privacy Act accounting of disclosures."""
