"""Reading the audit page (/audit) in tests: its rows as text, its paging links, the errors of its
filter form, a label in Chinese, and a catalogue item made and changed through the pages."""

from __future__ import annotations

import html
import re

from flask_babel import force_locale

from tests.support.helpers import post_form

ITEM = {
    "name": "食品生产企业监督检查",
    "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
    "checking_body": "市场监督管理局",
    "target_type": "食品生产企业",
    "content": "生产场所、设备设施、卫生管理",
    "methods": ["onsite", "document"],
    "ratio": "5",
    "frequency_times": "1",
    "frequency_period": "year",
    "inspector_categories": ["food"],
    "field": "market",
    "kind": "key",
    "random_check": "y",
}


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows(page_html: str) -> list[dict]:
    """The table rows: seq, and the text of each cell."""
    if 'id="audit-entries"' not in page_html:
        return []
    body = page_html[page_html.index("<tbody>") : page_html.index("</tbody>")]
    found = []
    for row in re.findall(r"<tr data-seq=\"\d+\">(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        seq, when, who, action, obj, details, _hash = (_text(c) for c in cells)
        found.append(
            {
                "seq": int(seq),
                "when": when,
                "who": who,
                "action": action,
                "object": obj,
                "details": details,
                "details_html": cells[5],
            }
        )
    return found


def link(page_html: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}"[^>]*href="([^"]+)"', page_html)
    return html.unescape(match.group(1)) if match else None


def field_errors(page_html: str) -> list[str]:
    form = page_html[page_html.index('id="audit-filters"') :]
    form = form[: form.index("</form>")]
    # the form's error summary: each message after the name of its field (a link to it)
    return [_text(e) for e in re.findall(r'<li>(?:<a href="#[^"]*">[^<]*</a>：)?(.*?)</li>', form, re.S)]


def zh(app, table: dict, code: str) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return str(table[code])


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def item_through_the_pages(admin) -> int:
    created = post_form(admin, "/catalog/items/new", ITEM, token_from="/catalog/items/new")
    assert created.status_code == 302
    item_id = int(re.search(r"/catalog/items/(\d+)$", created.headers["Location"]).group(1))
    url = f"/catalog/items/{item_id}"
    assert post_form(admin, f"{url}/publish", {}, token_from=url).status_code == 302
    changed = post_form(
        admin,
        f"{url}/edit",
        {**ITEM, "name": "食品生产企业日常监督检查", "methods": ["onsite"], "reason": "依据新修订的检查要点调整"},
        token_from=f"{url}/edit",
    )
    assert changed.status_code == 302
    return item_id
