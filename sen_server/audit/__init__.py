"""Tamper-evident audit log: hash chain, signed checkpoints, verification."""
