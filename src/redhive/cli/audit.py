"""`redhive audit verify MISSION`: recompute a mission's transcript hash chain and check its
signatures and checkpoints; `redhive audit public-key`: the key observers check them with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import err, fail, out, run, styled, with_db

app = typer.Typer(help="Check the tamper-evident records.", no_args_is_help=True)


def _verifier(public_key: Path | None) -> Any:
    """The key given, else the server's own (on its machine), else None."""
    from redhive.gateway.signing import TranscriptVerifier
    from redhive.settings import Settings

    if public_key is not None:
        return TranscriptVerifier.from_file(public_key)
    own = Settings().resolved_signing_key()
    return TranscriptVerifier.from_file(own) if own.exists() else None


@app.command("verify")
def verify(mission: str = typer.Argument(..., help="Mission id."),
           checkpoint: list[Path] = typer.Option([], "--checkpoint", help="A checkpoint file you kept (the JSON of "
                                                 "GET /api/missions/ID/gateway/checkpoints); repeatable."),
           public_key: Path | None = typer.Option(None, "--public-key", help="The transcript key's public half "
                                                  "(PEM); default: the server's own key under REDHIVE_HOME."),
           as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object (the exit "
                                        "code is the same).")) -> None:
    """Verify every gateway exchange of a mission, the signature of its chain head, its stored
    checkpoints and any you kept: exit 0 when all hold, 1 when not (naming the first broken record)."""
    from redhive.errors import RedhiveError
    from redhive.gateway import service
    from redhive.gateway.signing import read_checkpoints

    try:
        verifier = _verifier(public_key)
        held = [(cp, f"the checkpoint in {path.name}") for path in checkpoint for cp in read_checkpoints(path)]
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None
    strangers = sorted({cp.mission_id for cp, _ in held} - {mission})
    if strangers:
        raise fail(f"The checkpoints given are of mission {', '.join(strangers)}, not {mission}: pass the ones "
                   "you kept for this mission.")

    async def body(db: Any) -> Any:
        async with db.session() as session:
            return await service.verify_mission(session, mission, verifier, held)

    report = run(with_db, body)  # an unknown mission is refused first
    if verifier is None:
        raise fail("No public key to check the transcript's signatures with: pass --public-key FILE (`redhive "
                   "audit public-key` on the server prints it; GET /api/missions/ID/gateway/checkpoints returns "
                   "it), or run this where the server's signing key is (REDHIVE_TRANSCRIPT_SIGNING_KEY).")
    if as_json:
        out.print_json(json.dumps({
            "mission_id": mission, "ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq,
            "broken_id": report.broken_id, "problem": report.problem or None, "key_id": report.key_id,
            "signed_at": report.signed_at.isoformat() if report.signed_at else None,
            "checkpoints": report.checkpoints, "sentence": report.sentence(mission)}))
        if not report.ok:
            raise typer.Exit(1)
        return
    if report.ok:
        out.print(report.sentence(mission), highlight=False)
        return
    err.print(styled(("Broken:", "bold red"), " ", report.sentence(mission)), highlight=False)
    raise typer.Exit(1)


@app.command("public-key")
def public_key() -> None:
    """Print the public half of this server's transcript signing key (PEM), for observers."""
    from redhive.errors import RedhiveError
    from redhive.gateway.signing import TranscriptVerifier
    from redhive.settings import Settings

    path = Settings().resolved_signing_key()
    if not path.exists():
        raise fail(f"There is no transcript signing key at {path} yet: `redhive serve` creates it on its first start.")
    try:
        verifier = TranscriptVerifier.from_file(path)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None
    out.print(verifier.public_pem.rstrip(), highlight=False)
    err.print(f"key id {verifier.key_id}", highlight=False)
