"""What the tests share besides fixtures: databases, the demo organisation, a clock, API
steps, report payloads and the server as a real process. The fixtures themselves stay in
``tests/conftest.py`` (pytest finds them there); tests import helpers from here, never from
a conftest."""
