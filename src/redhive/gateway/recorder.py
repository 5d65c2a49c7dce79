"""Appends exchanges to their mission's chain, with group commit: requests that arrive while a write
is in flight are appended together in the next transaction, in arrival order, so the database cost
per exchange falls as load rises. With a journal (the server has one: redhive.gateway.journal) a
request goes on once its exchange is journaled, and the commit follows off the response path;
without one, each caller returns only once its record is committed.

One writer per mission in this process; the `(mission_id, seq)` unique key and a locked chain head
make a writer in another process retry rather than fork the chain.

With a signer, each batch's new head is signed in the batch's transaction (off the response path,
like the commit itself), and a signed head becomes a checkpoint at most every `checkpoint_every`
seconds per mission: in the batch that is due, or, when traffic stops, by a trailing write once the
interval has passed, and at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, create_engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from redhive.db.session import Database, _sqlite_pragmas, sync_url
from redhive.gateway.chain import GENESIS, record_hash
from redhive.gateway.journal import Journal, Segment
from redhive.gateway.models import ChainHead, Exchange, TranscriptCheckpoint
from redhive.gateway.signing import TranscriptSigner
from redhive.kit import new_id, utcnow

__all__ = ["Recorder"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_RETRIES = 5
_CHECKPOINT_EVERY_S = 1.0
_GATHER_S = 0.005  # with a journal, a batch collects for this long: at 500 requests/s, ~3 a commit
_EXCHANGES, _HEADS = cast(Table, Exchange.__table__), cast(Table, ChainHead.__table__)
_CHECKPOINTS = cast(Table, TranscriptCheckpoint.__table__)
_HEAD = select(_HEADS.c.seq, _HEADS.c.hash).with_for_update()

# an exchange with the future its caller waits on, or with the journal file it was written to
Pending = tuple[dict[str, Any], "asyncio.Future[dict[str, Any]] | None", Segment | None]


class Recorder:
    def __init__(self, db: Database, *, journal: Path | None = None, signer: TranscriptSigner | None = None,
                 checkpoint_every: float = 60.0) -> None:
        self.db = db
        self.signer, self.checkpoint_every = signer, checkpoint_every
        self._checkpointed: dict[str, float] = {}  # mission -> when (monotonic) its last checkpoint was written
        self._unexported: set[str] = set()  # missions whose newest signed head is no checkpoint yet
        self._trailing: dict[str, asyncio.Task[None]] = {}
        self._pending: defaultdict[str, list[Pending]] = defaultdict(list)
        self._writers: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._heads: dict[str, tuple[int, str]] = {}  # (seq, hash) this writer last committed
        on_file = db.is_sqlite and sync_url(db.url).database not in (None, "", ":memory:")
        self._sqlite = _SqliteWriter(db) if on_file else None  # an in-memory database is one connection's
        self._journal = Journal(journal) if journal is not None else None

    async def recover(self) -> int:
        """Commit what the journals of servers that stopped without committing hold and the database
        lacks, in their order; returns how many exchanges that was."""
        if self._journal is None:
            return 0
        replayed = 0
        for path, drafts in self._journal.orphans():
            try:
                missing = await self._missing(drafts)
                await asyncio.gather(*[self._enqueue(d) for d in missing])
            except Exception as exc:  # the server starts; the file stays for the next attempt
                log.error("The journal %s could not be recorded (%s); it is kept for the next start.", path, exc)
                continue
            replayed += len(missing)
            path.unlink(missing_ok=True)
        if replayed:
            log.warning("Recorded %d exchanges from the journal of a server that stopped before committing them.",
                        replayed)
        return replayed

    async def record(self, draft: dict[str, Any]) -> None:
        """Keep one exchange: with a journal, written to it now and committed just after (the caller
        does not wait for the database); without one, committed before this returns."""
        if self._journal is None:
            await self.append(draft)
            return
        self._journal_and_enqueue(self._journal, draft)

    def record_soon(self, draft: dict[str, Any]) -> None:
        """Record from a place that cannot wait (a stream the client dropped): never cancelled with
        the request's task."""
        if self._journal is not None:
            self._journal_and_enqueue(self._journal, draft)
            return
        task = asyncio.get_running_loop().create_task(self.append(draft))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def append(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Store one exchange (all columns but seq, prev_hash and hash); returns the stored record."""
        return await asyncio.shield(self._enqueue(draft))  # a caller that gives up does not cancel the write

    async def drain(self) -> None:
        """Wait for every pending append (shutdown, tests, and reads that must see every answer given)."""
        while self._background or any(not w.done() for w in self._writers.values()):
            await asyncio.gather(*self._background, *self._writers.values(), return_exceptions=True)

    async def aclose(self) -> None:
        await self.drain()
        for task in self._trailing.values():
            task.cancel()
        await asyncio.gather(*self._trailing.values(), return_exceptions=True)
        for mission_id in sorted(self._unexported):  # the newest heads, checkpointed at a clean stop
            await self._export(mission_id)
        if self._sqlite is not None:
            self._sqlite.close()
        if self._journal is not None:
            self._journal.close()

    def _enqueue(self, draft: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._queue(draft, done, None)
        return done

    def _journal_and_enqueue(self, journal: Journal, draft: dict[str, Any]) -> None:
        self._queue(draft, None, journal.write(draft))  # nobody waits: the journal learns the outcome

    def _queue(self, draft: dict[str, Any], done: asyncio.Future[dict[str, Any]] | None,
               segment: Segment | None) -> None:
        mission_id = draft["mission_id"]
        self._pending[mission_id].append((draft, done, segment))
        writer = self._writers.get(mission_id)
        if writer is None or writer.done():
            self._writers[mission_id] = asyncio.get_running_loop().create_task(self._write_all(mission_id))

    async def _missing(self, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [d["id"] for d in drafts]
        stored: set[str] = set()
        async with self.db.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = await conn.execute(select(_EXCHANGES.c.id).where(_EXCHANGES.c.id.in_(ids[i:i + 500])))
                stored.update(rows.scalars())
        return [d for d in drafts if d["id"] not in stored]

    async def _write_all(self, mission_id: str) -> None:
        while self._pending[mission_id]:
            if self._journal is not None:  # nobody waits for these commits: let a few more join the batch
                await asyncio.sleep(_GATHER_S)
            batch, self._pending[mission_id] = self._pending[mission_id], []
            try:
                records = await self._write(mission_id, [draft for draft, _, _ in batch])
            except Exception as exc:  # every waiting request learns that its record failed
                self._settled(batch, ok=False, error=exc)
                for _, done, _ in batch:
                    if done is not None and not done.done():
                        done.set_exception(exc)
                continue
            self._settled(batch, ok=True)
            for (_, done, _), record in zip(batch, records, strict=True):
                if done is not None and not done.done():
                    done.set_result(record)

    def _settled(self, batch: list[Pending], *, ok: bool, error: Exception | None = None) -> None:
        """Tell the journal, here rather than from the futures' callbacks, so that once the writer is
        done (what drain() waits for) its committed journal files are gone too."""
        if self._journal is None:
            return
        journaled = [segment for _, _, segment in batch if segment is not None]
        for segment in journaled:
            self._journal.committed(segment, ok=ok)
        if journaled and not ok:
            log.error("%d exchanges could not be committed (%s); they stay in the journal (%s) and are recorded at "
                      "the next start.", len(journaled), error, ", ".join(sorted({str(s.path) for s in journaled})))

    async def _write(self, mission_id: str, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for attempt in range(_RETRIES):
            try:
                return await self._write_once(mission_id, drafts)
            except (IntegrityError, _HeadMoved):  # another process appended first: read the head again
                self._heads.pop(mission_id, None)
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _write_once(self, mission_id: str, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        known = self._heads.get(mission_id)
        now = time.monotonic()
        due = self.signer is not None and now - self._checkpointed.get(mission_id, -math.inf) >= self.checkpoint_every
        records, head = await self._run(_append, mission_id, drafts, known, self.signer, due)
        self._heads[mission_id] = head
        if due:
            self._checkpointed[mission_id] = now
            self._unexported.discard(mission_id)
        elif self.signer is not None:
            self._unexported.add(mission_id)
            self._trail(mission_id)
        return records

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(conn, *args)` in one transaction: on SQLite in the recorder's own thread."""
        if self._sqlite is not None:
            return await self._sqlite.run(fn, *args)
        async with self.db.engine.begin() as conn:
            return await conn.run_sync(fn, *args)

    def _trail(self, mission_id: str) -> None:
        """Checkpoint the mission's newest head once the interval has passed, if no batch did."""
        task = self._trailing.get(mission_id)
        if task is None or task.done():
            wait = self.checkpoint_every - (time.monotonic() - self._checkpointed.get(mission_id, 0.0))
            self._trailing[mission_id] = asyncio.get_running_loop().create_task(self._export_after(mission_id, wait))

    async def _export_after(self, mission_id: str, wait: float) -> None:
        await asyncio.sleep(max(0.0, wait))
        await self.drain()  # a batch in flight signs a newer head: checkpoint that one
        if mission_id in self._unexported:
            await self._export(mission_id)

    async def _export(self, mission_id: str) -> None:
        try:
            await self._run(_checkpoint_head, mission_id)
        except Exception as exc:  # the head stays signed; the next batch or the next stop tries again
            log.error("The checkpoint of mission %s could not be written (%s).", mission_id, exc)
            return
        self._checkpointed[mission_id] = time.monotonic()
        self._unexported.discard(mission_id)


def _append(conn: Connection, mission_id: str, drafts: list[dict[str, Any]], known: tuple[int, str] | None,
            signer: TranscriptSigner | None = None, checkpoint: bool = False,
            ) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """One batch in one transaction, with Core statements (no ORM unit of work). With the head this
    writer last wrote, that is two statements: move the head only if it is still where it was left
    (compare and set: another process's append makes it fail, and the batch is retried), then one
    executemany insert. The head's row lock (PostgreSQL) or the write lock (SQLite) holds other
    writers until the commit. An IntegrityError must reach _write() as itself, to retry."""
    if known is None:
        row = conn.execute(_HEAD.where(_HEADS.c.mission_id == mission_id)).first()
        known = None if row is None else (row.seq, row.hash)
    seq, prev = known or (0, GENESIS)
    records = []
    for draft in drafts:
        seq += 1
        record = {**draft, "seq": seq, "prev_hash": prev}
        record["hash"] = prev = record_hash(record)
        records.append(record)
    signed = signer.sign(mission_id, seq, prev, utcnow()) if signer is not None else None
    head = {"seq": seq, "hash": prev, "signed_at": signed.signed_at if signed else None,
            "key_id": signed.key_id if signed else None, "signature": signed.signature if signed else None}
    if known is None:  # a second process inserting the first head too fails on the primary key
        conn.execute(insert(_HEADS).values(mission_id=mission_id, **head))
    else:
        moved = conn.execute(update(_HEADS).where(_HEADS.c.mission_id == mission_id, _HEADS.c.seq == known[0])
                             .values(**head))
        if moved.rowcount != 1:
            raise _HeadMoved
    conn.execute(insert(_EXCHANGES), records)
    if signed is not None and checkpoint:
        conn.execute(insert(_CHECKPOINTS).values(id=new_id(), **signed.as_row()))
    return records, (seq, prev)


def _checkpoint_head(conn: Connection, mission_id: str) -> None:
    """Keep the mission's signed head as a checkpoint, unless it already is one."""
    head = conn.execute(select(_HEADS).where(_HEADS.c.mission_id == mission_id)).first()
    if head is None or head.signature is None:
        return
    kept = conn.execute(select(_CHECKPOINTS.c.id).where(_CHECKPOINTS.c.mission_id == mission_id,
                                                        _CHECKPOINTS.c.seq == head.seq,
                                                        _CHECKPOINTS.c.hash == head.hash)).first()
    if kept is None:
        conn.execute(insert(_CHECKPOINTS).values(id=new_id(), mission_id=mission_id, seq=head.seq, hash=head.hash,
                                                 signed_at=head.signed_at, key_id=head.key_id,
                                                 signature=head.signature))


class _HeadMoved(Exception):
    """The chain head is not where this writer left it: another process appended."""


class _SqliteWriter:
    """SQLite batches written with the stdlib driver from a thread of the recorder's own: one hand-off
    per batch. Through aiosqlite every cursor call is a hand-off to its thread and back (about ten a
    batch), each waiting for the GIL: most of the recorder's cost at 500 requests/s.

    Its commits do not checkpoint the WAL: a checkpoint syncs the database file (tens to hundreds of
    milliseconds on a busy disk), which every request waiting on that commit would wait for. A
    second thread checkpoints instead (PASSIVE: it never blocks the writer), at most once a second.
    """

    def __init__(self, db: Database) -> None:
        self.engine = create_engine(sync_url(db.url), connect_args={"timeout": db.busy_timeout,
                                                                     "check_same_thread": False})
        event.listen(self.engine, "connect", _pragmas)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="redhive-recorder")
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="redhive-checkpoint")
        self._checkpointed = 0.0
        self._checkpointing: Future[None] | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        result = await asyncio.get_running_loop().run_in_executor(self._thread, self._in_transaction, fn, args)
        self._checkpoint_soon()
        return result

    def _in_transaction(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self.engine.begin() as conn:
            return fn(conn, *args)

    def _checkpoint_soon(self) -> None:
        now = time.monotonic()
        if now - self._checkpointed < _CHECKPOINT_EVERY_S or (self._checkpointing and not self._checkpointing.done()):
            return
        self._checkpointed = now
        self._checkpointing = self._checkpointer.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self._checkpointer.submit(self._checkpoint)  # what the app leaves in the WAL is checkpointed
        self._checkpointer.shutdown(wait=True)
        self.engine.dispose()


def _pragmas(dbapi_conn: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_conn, record)  # WAL, synchronous=NORMAL, foreign keys: the app's
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")
