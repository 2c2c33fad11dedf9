"""The App's long-running duties, one module each, mixed into SenApp: signing in and out,
the idle lock, and relaying the live event stream to the screens."""
