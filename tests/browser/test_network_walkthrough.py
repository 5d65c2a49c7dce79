"""In a real browser, the network's whole path: apply (bad input answered on the form first) → two
reviews → accept → the new expert sets a password → vetting → create a mission → select a cohort →
invite → the expert reads and acknowledges the rules of engagement. A screenshot at each step."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.conftest import Shooter

from redhive.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

EXPERT_EMAIL = "ngozi@applicants.demo"
EXPERT_PASSWORD = "a long passphrase for Ngozi"


def log_in(page: Any, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/dashboard$"))


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()


def tick(page: Any, name: str, *values: str) -> None:
    for value in values:
        page.check(f'input[name="{name}"][value="{value}"]')


def review(page: Any, base: str, application_url: str, score: str, shoot: Shooter, step: str) -> None:
    page.goto(application_url)
    for criterion in ("expertise_depth", "evidence", "adversarial_experience", "perspective", "judgment"):
        page.check(f'input[name="score_{criterion}"][value="{score}"]')
    page.get_by_label("Comment").fill("Verifiable multilingual work; careful about hazards.")
    shoot(step)
    page.get_by_role("button", name="Save review").click()
    assert page.get_by_text("Review saved.").is_visible()


def test_apply_review_accept_mission_cohort_invite_acknowledge(page: Any, live_server: str, shoot: Shooter) -> None:
    base = live_server
    # 1. apply: first with mistakes, answered field by field, then properly
    page.goto(f"{base}/apply")
    page.get_by_label("Full name").fill("Ngozi Eze")
    page.get_by_label("Email").fill("ngozi-at-example")
    page.get_by_label("Your experience").fill("Too short.")
    page.get_by_role("button", name="Send application").click()
    for field in ("email", "statement", "disciplines", "languages", "consent"):
        assert page.locator(f"#e-{field}").is_visible(), field
    assert page.get_by_label("Full name").input_value() == "Ngozi Eze"
    shoot("apply-errors")
    page.get_by_label("Email").fill(EXPERT_EMAIL)
    page.get_by_label("Affiliation").fill("University of Nairobi (fictional lab)")
    page.get_by_label("Years of relevant experience").fill("8")
    tick(page, "disciplines", "linguistics", "security")
    tick(page, "risk_areas", "jailbreak", "prompt_injection_direct", "misinformation")
    tick(page, "languages", "sw", "yo", "en")
    tick(page, "regions", "africa_sub_saharan")
    tick(page, "sectors", "academia")
    page.get_by_label("Your experience").fill(
        "Eight years of adversarial evaluation of speech and chat systems in Swahili and Yoruba; two public "
        "reports on cross-lingual jailbreak transfer, disclosed to the vendors first."
    )
    page.get_by_label("Links to your work").fill("https://example.org/ngozi-eze")
    page.get_by_label("Hours per week you can give").fill("10")
    page.check("#f-consent")
    shoot("apply-filled")
    page.get_by_role("button", name="Send application").click()
    assert page.get_by_role("heading", name="Thank you, Ngozi Eze").is_visible()
    shoot("applied")

    # 2. two reviews: the network coordinator, then the platform admin
    log_in(page, base, "cora@network.demo")
    page.goto(f"{base}/network/applications")
    shoot("review-queue")
    page.get_by_role("link", name="Ngozi Eze").click()
    application_url = page.url
    review(page, base, application_url, "5", shoot, "first-review")
    log_out(page)
    log_in(page, base, "admin@demo.redhive.test")
    review(page, base, application_url, "4", shoot, "second-review")

    # 3. accept (the rubric recommends it; the form comes pre-filled with its codes)
    assert page.get_by_text("Recommend accept (mean 4.50 of 5)").is_visible()
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Decision recorded: accepted.").is_visible()
    activation = page.locator("#activation-link").inner_text().strip()
    shoot("accepted")

    # 4. vetting, granted by the platform admin (audited)
    page.goto(f"{base}/network/experts")
    row = page.get_by_role("row").filter(has_text="Ngozi Eze")
    row.get_by_role("combobox").select_option("id_verified")
    row.get_by_role("button", name="Set").click()
    assert page.get_by_text("Ngozi Eze is now id verified.").is_visible(), page.inner_text("main")[:600]
    shoot("experts-vetting")
    log_out(page)

    # 5. the new expert sets a password through the one-time link
    page.goto(f"{base}{activation}")
    page.get_by_label("Password (at least 10 characters)").fill(EXPERT_PASSWORD)
    page.get_by_label("The same password again").fill(EXPERT_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    assert page.get_by_text("Your password is set").is_visible()

    # 6. the lab's coordinator creates a mission (an error first), moves it to recruiting
    log_in(page, base, "cora@network.demo")
    page.goto(f"{base}/missions/new")
    page.get_by_role("button", name="Create draft").click()
    assert page.locator("#e-title").is_visible() and page.locator("#e-rules_of_engagement").is_visible()
    shoot("mission-errors")
    page.get_by_label("Title").fill("Swahili and Yoruba jailbreak transfer")
    page.get_by_label("Objective").fill("Do the 2026.11-rc safeguards hold in Swahili and Yoruba as in English?")
    page.get_by_label("In scope").fill("Northwind Assistant 2026.11-rc through the gateway.")
    page.get_by_label("Out of scope").fill("Infrastructure; other tenants.")
    page.check('input[name="target_version_ids"] >> nth=2')
    tick(page, "risk_areas", "jailbreak", "misinformation")
    tick(page, "priority_risk_areas", "jailbreak")
    tick(page, "languages", "en", "sw", "yo", "es")
    tick(page, "regions", "africa_sub_saharan", "americas_latin", "europe_west")
    page.get_by_label("Access tier").select_option("T1_prerelease_mitigated")
    page.get_by_label("Cohort size").fill("3")
    page.get_by_label("Rules of engagement").fill(
        "Test only 2026.11-rc through the gateway. Use the surrogate agents provided; stop and report at the "
        "first sign of a real hazard. Every exchange is logged."
    )
    page.get_by_label("Non-disclosure agreement").fill(
        "Outputs and findings stay confidential to Northwind AI and the network for 90 days or until fixed."
    )
    shoot("mission-form")
    page.get_by_role("button", name="Create draft").click()
    assert page.get_by_text("Mission created as a draft.").is_visible()
    page.get_by_role("button", name="Move to recruiting").click()
    assert page.get_by_text("The mission is now recruiting.").is_visible()
    shoot("mission-recruiting")

    # 7. cohort selection: explanations, uncovered cells, exclusions; invite the chosen
    page.get_by_role("link", name="Select a cohort").click()
    assert page.locator('input[name="user_ids"]').count() == 3
    assert page.get_by_role("row").filter(has_text="new cells").count() >= 2
    assert page.get_by_role("row").filter(has_text="Ngozi Eze").count() == 1
    assert page.get_by_text("which T1_prerelease_mitigated requires").first.is_visible()  # self-declared experts
    shoot("cohort-selection")
    page.get_by_role("button", name="Invite the ticked experts").click()
    assert page.get_by_text("3 invitation(s) sent.").is_visible()
    shoot("invited")
    log_out(page)

    # 8. the expert reads the rules of engagement and acknowledges this exact version
    log_in(page, base, EXPERT_EMAIL, EXPERT_PASSWORD)
    page.goto(f"{base}/mission-invitations")
    page.get_by_role("link", name="Swahili and Yoruba jailbreak transfer").click()
    assert page.get_by_role("heading", name="Rules of engagement version 1").is_visible()
    page.get_by_role("button", name="Accept and join").click()
    assert (
        page.locator("#f-acknowledge").is_visible()
        and page.locator("p.error").filter(has_text="tick the box").is_visible()
    )
    shoot("invitation-needs-acknowledgement")
    page.check("#f-acknowledge")
    page.get_by_role("button", name="Accept and join").click()
    assert page.get_by_text("your acknowledgement of the rules of engagement is recorded").is_visible()
    row = page.get_by_role("row").filter(has_text="Ngozi Eze")
    assert "v1" in row.inner_text()
    shoot("joined")
    page.get_by_role("link", name="Coverage").click()
    assert page.get_by_role("heading", name="Coverage").is_visible()
    shoot("coverage")
