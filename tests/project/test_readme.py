"""The README is the package's page on PyPI too, where relative links and images break."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
REPOSITORY = "https://github.com/wagtail-conditions/wagtail-conditions/"


def link_targets():
    return re.findall(r"\]\(([^)\s]+)\)", README.read_text())


def test_every_link_and_image_in_the_readme_is_absolute():
    relative = [
        target for target in link_targets() if not re.match(r"(https?://|mailto:|#)", target)
    ]
    assert relative == []


def test_links_into_the_repository_name_files_that_exist():
    root = README.parent
    for target in link_targets():
        for prefix in (
            REPOSITORY + "blob/main/",
            "https://raw.githubusercontent.com/wagtail-conditions/wagtail-conditions/main/",
        ):
            if target.startswith(prefix):
                path = target.removeprefix(prefix).split("#")[0]
                assert (root / path).exists(), target
