"""HTTP plumbing shared by every controller: the caller, the unit of work, guards, errors."""
