"""Every page a person fills in: one h1, a language, and a label for every field (WCAG 1.3.1, 3.3.2)."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.platform_fixtures import Platform, make_client


class FormAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.fields: list[str] = []
        self.h1 = 0
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append(a.get("id") or f"<{tag} name={a.get('name')} without id>")


async def test_every_field_has_a_label(platform: Platform) -> None:
    lab = await platform.org("Lab")
    admin = await platform.user("Admin", admin=True)
    await platform.member(admin, lab, "admin")
    client = await platform.login(admin)
    system = (await client.post(f"/api/orgs/{lab.id}/systems", json={"name": "S"})).json()
    pages = ["/dashboard", "/account", "/orgs", "/orgs/new", f"/orgs/{lab.id}", f"/orgs/{lab.id}/systems/new",
             "/systems", f"/systems/{system['id']}", f"/systems/{system['id']}/versions/new", "/admin/users", "/jobs"]
    async with make_client(platform.app) as anon:
        anonymous_pages = [(p, (await anon.get(p)).text) for p in ("/login", "/signup")]
    checked = anonymous_pages + [(p, (await client.get(p)).text) for p in pages]
    for path, html in checked:
        audit = FormAudit()
        audit.feed(html)
        assert audit.lang == "en", path
        assert audit.h1 == 1, f"{path} has {audit.h1} h1 headings"
        unlabelled = [f for f in audit.fields if f not in audit.labels]
        assert not unlabelled, f"{path}: fields without a label: {unlabelled}"
