"""Screenshots of the main pages at desktop and phone sizes, for looking at the interface.

Not a test. Run against a server with demo data:

    .venv/bin/python tests/browser/screenshots.py --base http://127.0.0.1:8000 \
        --email admin@example.com --password ... [--out /tmp/shots]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def first_link(page: Page, base: str, list_path: str, pattern: str) -> str | None:
    page.goto(base + list_path)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        if re.fullmatch(pattern, href or ""):
            return base + href
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", default="/tmp/shots")  # noqa: S108 - a developer tool
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--full", action="store_true", help="whole pages, not the first screen")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = args.base.rstrip("/")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(base + "/login/")
            page.fill("input[name=username]", args.email)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            pages = {
                "home": base + "/",
                "people": base + "/people/",
                "person": first_link(page, base, "/people/", r"/people/\d+/"),
                "person-form": base + "/people/new/",
                "organizations": base + "/organizations/",
                "organization": first_link(page, base, "/organizations/", r"/organizations/\d+/"),
                "board": base + "/deals/",
                "deals": base + "/deals/list/",
                "deal": first_link(page, base, "/deals/list/", r"/deals/\d+/"),
                "deal-form": base + "/deals/new/",
                "leads": base + "/leads/",
                "lead": first_link(page, base, "/leads/", r"/leads/\d+/"),
                "tasks": base + "/tasks/",
                "profile": base + "/account/",
                "tokens": base + "/account/tokens/",
            }
            only = {n for n in args.only.split(",") if n}
            for name, url in pages.items():
                if url is None or (only and name not in only):
                    continue
                page.goto(url)
                page.wait_for_load_state("networkidle")
                path = out / f"{name}-{size_name}.png"
                page.screenshot(path=str(path), full_page=args.full)
                print(path)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
