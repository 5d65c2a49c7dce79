"""The application page promises an e-mail with the decision: with SMTP configured the decision (and
an accepted expert's one-time link) is mailed to the applicant, through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.findings.test_demo_and_mail import _free_port, _Inbox
from tests.network.test_api import APPLICATION, staff
from tests.platform_fixtures import Platform, platform_settings

from redhive.network.rubric import CRITERIA


async def test_the_decision_is_mailed_to_the_applicant(platform: Platform, client: object, db_url: str,
                                                       tmp_path: Path) -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    inbox, port = _Inbox(), _free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        platform.app.state.settings = platform_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                                                        public_url="https://redhive.example.test")
        coord, triager, _ = await staff(platform)
        r = await coord.post("/api/network/applications", json=APPLICATION)
        assert r.status_code == 201, r.text
        app_id = r.json()["id"]
        for reviewer in (coord, triager):
            r = await reviewer.post(f"/api/network/applications/{app_id}/reviews",
                                    json={"scores": dict.fromkeys(CRITERIA, 4), "comment": "clear evidence"})
            assert r.status_code == 201, r.text
        r = await coord.post(f"/network/applications/{app_id}/decision",
                             data={"decision": "accept", "reason_codes": "meets_bar"})
        assert r.status_code == 200, r.text
        assert "was e-mailed to amina@example.org" in r.text
    finally:
        controller.stop()
        await coord.aclose()
        await triager.aclose()
    [sent] = inbox.messages
    assert sent["To"] == "amina@example.org" and "accepted" in sent["Subject"]
    assert "https://redhive.example.test/network/activate/" in sent.get_payload()
