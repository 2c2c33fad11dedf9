"""Users and offices: the organisation tree and the people in it."""
