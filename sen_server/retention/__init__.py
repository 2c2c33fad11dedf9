"""Retention and disposition (SPEC §8): the schedule, legal holds, transfer and destruction."""
