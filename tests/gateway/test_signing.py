"""The transcript's signing key and checkpoints: the key is a 0600 file outside the database (never
in it), each new chain head is signed in the recorder's batch, checkpoints are kept at the interval,
after traffic stops and at shutdown, observers fetch them with the public key, and `redhive audit`
reads what observers keep. Bad key and checkpoint files are one sentence."""

from __future__ import annotations

import asyncio
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import select, update
from tests.gateway.conftest import World, build_world
from tests.gateway.test_recorder import draft
from tests.gateway.test_sdk import exchanges
from tests.gateway.test_tamper import send, verify
from tests.platform_fixtures import PASSWORD
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.gateway import service
from redhive.gateway.models import ChainHead, TranscriptCheckpoint
from redhive.gateway.recorder import Recorder
from redhive.gateway.signing import Checkpoint, TranscriptSigner, TranscriptVerifier, read_checkpoints


def test_a_checkpoint_verifies_only_as_signed(tmp_path: Path) -> None:
    signer = TranscriptSigner.load_or_create(tmp_path / "key.pem")
    cp = signer.sign("m1", 5, "ab" * 32, datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert signer.valid(cp) and TranscriptVerifier.from_file(tmp_path / "key.pem").valid(cp)
    for changed in ({"seq": 4}, {"hash": "cd" * 32}, {"mission_id": "m2"},
                    {"signed_at": datetime(2026, 12, 7, 8, 0, 1, tzinfo=UTC)}):
        assert not signer.valid(Checkpoint(**{**cp.as_row(), **changed}))  # type: ignore[arg-type]
    other = TranscriptSigner.load_or_create(tmp_path / "other.pem")
    assert other.key_id != signer.key_id and not other.valid(cp)
    assert not signer.valid(Checkpoint(**{**cp.as_row(), "signature": "not base64!"}))
    assert Checkpoint.from_dict(json.loads(json.dumps(cp.as_dict())), "x") == cp  # survives JSON


def test_the_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "home" / "transcript-signing-key.pem"
    first = TranscriptSigner.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and b"PRIVATE KEY" in path.read_bytes()
    assert TranscriptSigner.load_or_create(path).key_id == first.key_id  # loaded, not replaced
    path.write_text("not a key", encoding="utf-8")
    with pytest.raises(InvalidInput, match="is not an Ed25519 private key in PEM form"):
        TranscriptSigner.load_or_create(path)


async def test_the_server_signs_heads_with_a_key_that_is_not_in_the_database(world: World, db_url: str,
                                                                             tmp_path: Path) -> None:
    await send(world, 3)
    await exchanges(world, 3)
    key_file = tmp_path / "home" / "transcript-signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    signer = TranscriptSigner.load_or_create(key_file)
    await world.db.engine.dispose()
    async with world.db.sessions() as session:
        head = await session.get(ChainHead, world.mission_id)
        assert head is not None and head.seq == 3 and signer.valid(Checkpoint.of(head))
    if world.db.is_sqlite:  # no trace of the private key anywhere in the database's files
        secret = "".join(line for line in key_file.read_text().splitlines() if "-----" not in line)
        files = [Path(db_url.removeprefix("sqlite:///"))]
        dump = b"".join(p.read_bytes() for p in [*files, *(f.with_name(f.name + "-wal") for f in files)] if p.exists())
        assert secret.encode() not in dump and secret[:24].encode() not in dump


async def test_observers_fetch_the_checkpoints_and_the_public_key(world: World) -> None:
    await send(world, 2)
    async with httpx.AsyncClient(base_url=world.root, timeout=10) as client:
        assert (await client.get(f"/api/missions/{world.mission_id}/gateway/checkpoints")).status_code == 401
        await client.post("/api/auth/login", json={"email": "rt@example.test", "password": PASSWORD})
        r = await client.get(f"/api/missions/{world.mission_id}/gateway/checkpoints")
    assert r.status_code == 200, r.text
    data = r.json()
    public = load_pem_public_key(data["public_key_pem"].encode())
    assert isinstance(public, Ed25519PublicKey)
    verifier = TranscriptVerifier(public)
    assert data["algorithm"] == "Ed25519" and data["key_id"] == verifier.key_id
    kept = [Checkpoint.from_dict(item, "api") for item in data["checkpoints"]]
    assert [cp.seq for cp in kept] == [1, 2] and all(verifier.valid(cp) for cp in kept)  # stored 1, head 2


async def test_checkpoints_are_kept_at_the_interval_when_traffic_stops_and_at_shutdown(db: Database,
                                                                                        tmp_path: Path) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    user = str(tester.user_id)
    signer = TranscriptSigner.load_or_create(tmp_path / "key.pem")

    async def kept() -> list[int]:
        async with db.sessions() as session:
            return list(await session.scalars(select(TranscriptCheckpoint.seq)
                                              .where(TranscriptCheckpoint.mission_id == mission_id)
                                              .order_by(TranscriptCheckpoint.seq)))

    trailing = Recorder(db, signer=signer, checkpoint_every=0.3)
    for n in range(3):
        await trailing.append(draft(mission_id, user, n))
    assert await kept() == [1]  # the first batch is due; the next two are within the interval
    for _ in range(300):  # traffic stopped: the trailing checkpoint comes once the interval has passed
        if await kept() == [1, 3]:
            break
        await asyncio.sleep(0.02)
    assert await kept() == [1, 3]
    await trailing.aclose()

    stopping = Recorder(db, signer=signer, checkpoint_every=3600)
    await stopping.append(draft(mission_id, user, 3))  # due: the first batch of this process
    await stopping.append(draft(mission_id, user, 4))
    assert await kept() == [1, 3, 4]
    await stopping.aclose()
    assert await kept() == [1, 3, 4, 5]  # the newest head, checkpointed at a clean stop
    async with db.sessions() as session:
        report = await service.verify_mission(session, mission_id, signer)
    assert report.ok and report.checked == 5 and report.checkpoints == 4
    async with db.sessions() as session, session.begin():  # a stored checkpoint altered in the database
        await session.execute(update(TranscriptCheckpoint).where(TranscriptCheckpoint.seq == 3)
                              .values(signed_at=datetime(2030, 1, 1, tzinfo=UTC)))
    async with db.sessions() as session:
        report = await service.verify_mission(session, mission_id, signer)
    assert not report.ok and report.broken_seq == 3 and "does not match its signature" in report.problem


async def test_without_a_signer_nothing_is_signed_and_verify_says_so(db: Database, tmp_path: Path) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    recorder = Recorder(db)  # a server from before signing
    await recorder.append(draft(mission_id, str(tester.user_id), 0))
    await recorder.aclose()
    async with db.sessions() as session:
        report = await service.verify_mission(session, mission_id, TranscriptSigner.load_or_create(tmp_path / "k"))
    assert not report.ok and "the chain head is not signed" in report.problem and report.broken_seq == 1


@pytest.mark.parametrize(("content", "fragment"), [
    ("{", "is not JSON"),
    ('{"checkpoints": [{"seq": 1}]}', "lacks mission_id, hash, signed_at, key_id, signature"),
    ("[]", "holds no checkpoints"),
    ('[{"mission_id": "m", "seq": "x", "hash": "h", "signed_at": "t", "key_id": "k", "signature": "s"}]',
     "its seq or signed_at is malformed"),
])
def test_bad_checkpoint_files_are_one_sentence(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "kept.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=fragment):
        read_checkpoints(path)


def test_checkpoint_files_may_be_a_list_one_object_or_lines(tmp_path: Path) -> None:
    signer = TranscriptSigner.load_or_create(tmp_path / "key.pem")
    cps = [signer.sign("m", n, "0" * 64, datetime.now(UTC)) for n in (1, 2)]
    for name, text in (("list.json", json.dumps([c.as_dict() for c in cps])),
                       ("one.json", json.dumps(cps[0].as_dict())),
                       ("lines.jsonl", "\n".join(json.dumps(c.as_dict()) for c in cps))):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert read_checkpoints(tmp_path / name) == (cps[:1] if name == "one.json" else cps)


async def test_the_cli_prints_the_public_key_and_refuses_bad_key_files(world: World, db_url: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    printed = await asyncio.to_thread(CliRunner().invoke, cli, ["audit", "public-key"])
    assert printed.exit_code == 0 and "BEGIN PUBLIC KEY" in printed.output and "PRIVATE" not in printed.output
    public = tmp_path / "pub.pem"
    public.write_text(printed.output[printed.output.index("-----BEGIN"):printed.output.index("END PUBLIC KEY-----")
                                     + len("END PUBLIC KEY-----")] + "\n", encoding="utf-8")
    await send(world, 1)
    await exchanges(world, 1)
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--public-key", str(public))
    assert code == 0 and "1 exchanges, hash chain intact, its head signed by key" in output, output

    wrong = tmp_path / "wrong.pem"
    wrong.write_text(TranscriptSigner.load_or_create(tmp_path / "other.pem").public_pem, encoding="utf-8")
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--public-key", str(wrong))
    assert code == 1 and "was signed by key" in output and "not by the key given" in output, output
    junk = tmp_path / "junk.pem"
    junk.write_text("hello", encoding="utf-8")
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--public-key", str(junk))
    assert code == 2 and "is not an Ed25519 key in PEM form" in output
    stranger = tmp_path / "stranger.json"
    stranger.write_text(json.dumps(TranscriptSigner.load_or_create(tmp_path / "k2").sign(
        "another-mission", 1, "0" * 64, datetime.now(UTC)).as_dict()), encoding="utf-8")
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--checkpoint", str(stranger))
    assert code == 2 and "are of mission another-mission" in output
