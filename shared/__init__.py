"""The wire contract shared by the SEN server and the terminal client.

It holds the report-type catalogue, the enums and the request/response schemas. It imports
neither side (checked by an import-linter contract in pyproject.toml).
"""
