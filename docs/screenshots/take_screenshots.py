"""Screenshots of the main pages for README, taken with Debian's chromium against a running demo (`make run`).

    make run                                     # in one terminal: curated records, demo firms, scores
    .venv/bin/python docs/screenshots/take_screenshots.py [--base http://127.0.0.1:8000]

Signs in as the demo `staff` user (DEMO_PASSWORD, default kakehashi-demo) and writes PNGs beside this file.
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ANONYMOUS = [
    ("home.png", "/"),
    ("opportunities.png", "/opportunities/?open=&ordering=title"),
    ("opportunities-search.png", "/opportunities/?q=unmanned&open="),
    ("opportunities-ja.png", "/ja/opportunities/?open=&ordering=title"),
]
SIGNED_IN = [
    ("my-matches.png", "/my/matches/"),
    ("opportunities-best-fit.png", "/opportunities/?ordering=fit"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="staff")
    args = parser.parse_args()
    password = os.environ.get("DEMO_PASSWORD", "kakehashi-demo")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, base_url=args.base)
        for name, path in ANONYMOUS:
            page.goto(path)
            page.screenshot(path=HERE / name)
        page.goto("/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", password)
        page.locator("main button[type=submit]").click()
        for name, path in SIGNED_IN:
            page.goto(path)
            page.screenshot(path=HERE / name)
        page.goto("/my/matches/")
        page.locator("article.match-card h3 a").first.click()
        page.screenshot(path=HERE / "opportunity-detail.png", full_page=True)
        browser.close()
    print("\n".join(sorted(str(p.relative_to(HERE.parent.parent)) for p in HERE.glob("*.png"))))


if __name__ == "__main__":
    main()
