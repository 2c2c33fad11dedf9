"""Accounts, passwords, sessions and the gates of SPEC §10."""
