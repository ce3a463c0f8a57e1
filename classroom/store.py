"""Where a class's rooms, questions and answers live: one small interface, two databases.

``open_store(url)``: SQLite for a path (the default: one file, which several replicas on one
host share; WAL mode, so readers never wait for the writer), PostgreSQL for a
``postgresql://`` URL (replicas on several machines). Both run the same SQL; only the
placeholder differs. Every write is committed before it returns, so an answer the page has
acknowledged survives the replica that took it.

Nothing about a student is stored but a random member id, an optional nickname and the
answer; rooms and everything in them are deleted once they expire (``expire``).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS rooms (
         code TEXT PRIMARY KEY, teacher_hash TEXT NOT NULL, page TEXT NOT NULL,
         created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS questions (
         room TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
         id INTEGER NOT NULL, spec TEXT NOT NULL, state TEXT NOT NULL,
         PRIMARY KEY (room, id))""",
    """CREATE TABLE IF NOT EXISTS members (
         room TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
         member TEXT NOT NULL, nickname TEXT NOT NULL, last_write DOUBLE PRECISION NOT NULL,
         PRIMARY KEY (room, member))""",
    """CREATE TABLE IF NOT EXISTS answers (
         room TEXT NOT NULL, question INTEGER NOT NULL, member TEXT NOT NULL,
         value TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
         PRIMARY KEY (room, question, member),
         FOREIGN KEY (room, question) REFERENCES questions(room, id) ON DELETE CASCADE)""",
)


@dataclass(frozen=True)
class RoomRow:
    code: str
    teacher_hash: str
    page: str
    created: float
    expires: float


@dataclass(frozen=True)
class QuestionRow:
    id: int
    spec: str     # JSON (classroom.rooms.Question)
    state: str    # "open", "closed" or "revealed"


class Store:
    """The storage interface. Subclasses give ``_connect`` and the placeholder."""

    mark = "?"

    def __init__(self) -> None:
        self._local = threading.local()
        with self._tx() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    # ---- plumbing
    def _connect(self):
        raise NotImplementedError

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _tx(self):
        return _Transaction(self._conn())

    def _sql(self, text: str) -> str:
        return text if self.mark == "?" else text.replace("?", self.mark)

    def _one(self, text: str, args: tuple = ()):
        with self._tx() as cur:
            cur.execute(self._sql(text), args)
            return cur.fetchone()

    def _all(self, text: str, args: tuple = ()) -> list:
        with self._tx() as cur:
            cur.execute(self._sql(text), args)
            return cur.fetchall()

    def _run(self, text: str, args: tuple = ()) -> int:
        with self._tx() as cur:
            cur.execute(self._sql(text), args)
            return cur.rowcount

    # ---- rooms
    def add_room(self, room: RoomRow) -> bool:
        """Add a room; False if its code is taken."""
        return self._run("INSERT INTO rooms VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                         (room.code, room.teacher_hash, room.page, room.created,
                          room.expires)) == 1

    def room(self, code: str, now: float) -> RoomRow | None:
        row = self._one("SELECT code, teacher_hash, page, created, expires FROM rooms "
                        "WHERE code = ? AND expires > ?", (code, now))
        return RoomRow(*row) if row else None

    def rooms_open(self, now: float) -> int:
        return int(self._one("SELECT COUNT(*) FROM rooms WHERE expires > ?", (now,))[0])

    def expire(self, now: float) -> int:
        """Delete the rooms that expired, with their questions, members and answers."""
        return self._run("DELETE FROM rooms WHERE expires <= ?", (now,))

    # ---- questions
    def add_question(self, code: str, spec: str) -> int:
        """A new question of a room (closing any open one); returns its id (1, 2, …)."""
        with self._tx() as cur:
            cur.execute(self._sql("UPDATE questions SET state = 'closed' WHERE room = ? AND "
                                  "state = 'open'"), (code,))
            cur.execute(self._sql("SELECT COALESCE(MAX(id), 0) + 1 FROM questions WHERE "
                                  "room = ?"), (code,))
            qid = int(cur.fetchone()[0])
            cur.execute(self._sql("INSERT INTO questions VALUES (?, ?, ?, 'open')"),
                        (code, qid, spec))
            return qid

    def question(self, code: str) -> QuestionRow | None:
        """The room's newest question."""
        row = self._one("SELECT id, spec, state FROM questions WHERE room = ? ORDER BY id "
                        "DESC LIMIT 1", (code,))
        return QuestionRow(int(row[0]), row[1], row[2]) if row else None

    def set_state(self, code: str, qid: int, state: str) -> bool:
        return self._run("UPDATE questions SET state = ? WHERE room = ? AND id = ?",
                         (state, code, qid)) == 1

    def clear(self, code: str) -> int:
        """Drop the room's questions and their answers."""
        return self._run("DELETE FROM questions WHERE room = ?", (code,))

    # ---- members and answers
    def add_member(self, code: str, member: str, nickname: str, now: float) -> None:
        self._run("INSERT INTO members VALUES (?, ?, ?, ?) ON CONFLICT (room, member) DO "
                  "UPDATE SET nickname = excluded.nickname", (code, member, nickname, 0.0))

    def is_member(self, code: str, member: str) -> bool:
        return self._one("SELECT 1 FROM members WHERE room = ? AND member = ?",
                         (code, member)) is not None

    def drop_member(self, code: str, member: str) -> None:
        """Remove a member and its answers (an unused id a tab's kept one replaces)."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM answers WHERE room = ? AND member = ?"),
                        (code, member))
            cur.execute(self._sql("DELETE FROM members WHERE room = ? AND member = ?"),
                        (code, member))

    def has_answered(self, code: str, member: str) -> bool:
        return self._one("SELECT 1 FROM answers WHERE room = ? AND member = ?",
                         (code, member)) is not None

    def nicknames(self, code: str) -> dict[str, str]:
        """member -> nickname, for the members that gave one."""
        return dict(self._all("SELECT member, nickname FROM members WHERE room = ? AND "
                              "nickname <> ''", (code,)))

    def members(self, code: str) -> int:
        return int(self._one("SELECT COUNT(*) FROM members WHERE room = ?", (code,))[0])

    def put_answer(self, code: str, qid: int, member: str, value: str, now: float,
                   min_interval: float) -> str:
        """Write a member's answer to an open question, in one transaction: "ok", or why
        not ("closed", "not a member", "too fast")."""
        with self._tx() as cur:
            # one statement checks the question is open, the member is in, and the pace
            cur.execute(self._sql("UPDATE members SET last_write = ? WHERE room = ? AND "
                                  "member = ? AND last_write <= ? AND EXISTS (SELECT 1 FROM "
                                  "questions WHERE room = ? AND id = ? AND state = 'open')"),
                        (now, code, member, now - min_interval, code, qid))
            if cur.rowcount != 1:
                cur.execute(self._sql("SELECT state FROM questions WHERE room = ? AND "
                                      "id = ?"), (code, qid))
                row = cur.fetchone()
                if row is None or row[0] != "open":
                    return "closed"
                cur.execute(self._sql("SELECT 1 FROM members WHERE room = ? AND member = ?"),
                            (code, member))
                return "too fast" if cur.fetchone() else "not a member"
            cur.execute(self._sql("INSERT INTO answers VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                                  "(room, question, member) DO UPDATE SET value = "
                                  "excluded.value, at = excluded.at"),
                        (code, qid, member, value, now))
            return "ok"

    def answers(self, code: str, qid: int) -> list[tuple[str, str]]:
        """(member, value) of every answer to a question."""
        return [(m, v) for m, v in self._all(
            "SELECT member, value FROM answers WHERE room = ? AND question = ? ORDER BY at",
            (code, qid))]

    def answer_of(self, code: str, qid: int, member: str) -> str | None:
        row = self._one("SELECT value FROM answers WHERE room = ? AND question = ? AND "
                        "member = ?", (code, qid, member))
        return row[0] if row else None


class _Transaction:
    """``with``: a cursor, committed on success, rolled back on an error."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def __enter__(self):
        self.cur = self.conn.cursor()
        return self.cur

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.conn.commit()
        else:
            self.conn.rollback()
        self.cur.close()


class SQLiteStore(Store):
    """One file; several processes on one host share it (WAL, a 5 s busy wait)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        super().__init__()

    def _connect(self):
        # IMMEDIATE: a write takes the lock when it begins, so two writers queue (busy
        # wait) instead of failing on a lock upgrade
        conn = sqlite3.connect(self.path, timeout=5.0, isolation_level="IMMEDIATE")
        conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a killed process loses no commit (only a power cut could)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn


class PostgresStore(Store):
    """A PostgreSQL database (psycopg 3), for replicas on several machines."""

    mark = "%s"

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__()

    def _connect(self):
        import psycopg  # only a PostgreSQL deployment needs it

        return psycopg.connect(self.url, connect_timeout=5)


def open_store(url: str | Path) -> Store:
    """A store for a setting: ``postgresql://…`` (or ``postgres://…``), else a SQLite path."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresStore(text)
    return SQLiteStore(text)
