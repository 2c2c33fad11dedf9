"""Synthetic demonstration data: the SPEC §11 organisation and a month of reports."""
