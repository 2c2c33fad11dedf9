"""Looking for words in every table of a database and in the SQLite file's bytes: what the
retention tests use to prove destroyed content is gone."""

import sqlite3
from contextlib import closing

import psycopg
from sqlalchemy import make_url

from sen_server.settings import ServerSettings
from tests.support.databases import PG_ADMIN_DSN


def table_texts(settings: ServerSettings) -> dict[str, str]:
    """Every row of every table (search index and its shadow tables included) as text."""
    texts: dict[str, str] = {}
    if settings.is_sqlite:
        with closing(sqlite3.connect(settings.data_dir / "sen.db")) as db:
            names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for name in names:
                rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
                texts[name] = "\n".join(
                    repr([v.decode("latin-1") if isinstance(v, bytes) else v for v in row])
                    for row in rows
                )
        return texts
    database = make_url(settings.resolved_database_url).database
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{database}"
    with psycopg.connect(dsn) as db:
        names = [
            n
            for (n,) in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        for name in names:
            rows = db.execute(f'SELECT t::text FROM "{name}" t').fetchall()
            texts[name] = "\n".join(text for (text,) in rows)
    return texts


def tables_holding(settings: ServerSettings, word: str) -> list[str]:
    # Lower case: the search index keeps words as lower-case tokens (FTS5, tsvector).
    return sorted(n for n, t in table_texts(settings).items() if word.lower() in t.lower())


def file_bytes(settings: ServerSettings) -> bytes:
    files = [settings.data_dir / name for name in ("sen.db", "sen.db-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists()).lower()
