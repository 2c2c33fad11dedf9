"""Live events: stored in order, streamed as server-sent events, replayed on reconnect."""
