"""Reports: drafts, submission, versions, amendments — and who may see them."""
