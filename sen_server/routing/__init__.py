"""Routing: who receives a submitted report, and the state of each delivery."""
