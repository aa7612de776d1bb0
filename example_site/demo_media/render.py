"""Draw the demo's PNG images from the SVG drawings beside this file, with the system Chromium
(no browser is downloaded). The PNGs are committed; run this again after editing a drawing:

    ../../.venv/bin/python render.py
"""

import os
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for svg in sorted(HERE.glob("*.svg")):
            source = svg.read_text()
            width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', source).groups())
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_content(
                '<html><body style="margin:0;background:transparent">'
                f"{source}</body></html>"
            )
            page.locator("svg").screenshot(path=HERE / f"{svg.stem}.png", omit_background=True)
            page.close()
            print(f"Drew {svg.stem}.png ({width}×{height})")
        browser.close()


if __name__ == "__main__":
    main()
