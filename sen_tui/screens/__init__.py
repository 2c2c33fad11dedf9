"""One module per Screen."""
