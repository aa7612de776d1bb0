"""The wheel and sdist ship what a site needs (templates, static files, migrations, translations)
and nothing it does not (tests, the example site).

Builds from a copy of the source tree, so that setuptools' ``build/`` and ``*.egg-info``
directories never land in the working tree. Marked slow: runs in tox's "slow" env (``-m slow``).
"""

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import wagtail_conditions

pytest.importorskip("build", reason="the 'build' package (in the testing extra) is not installed")

pytestmark = [pytest.mark.packaging, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(wagtail_conditions.__file__).resolve().parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv*", ".tox", ".nox", "build", "dist", "*.egg-info", "__pycache__",
    "*.py[co]", ".pytest_cache", ".ruff_cache", "node_modules", "media", "static-collected",
    "static_collected", "*.sqlite3", "test-results",
)


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """(wheel names, sdist names) of a fresh build of the package."""
    tmp = tmp_path_factory.mktemp("packaging")
    source, outdir = tmp / "source", tmp / "dist"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(outdir), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        wheel_names = set(zf.namelist())
    with tarfile.open(sdist) as tf:
        top = f"wagtail_conditions-{wagtail_conditions.__version__}/"
        sdist_names = {name.removeprefix(top) for name in tf.getnames()}
    return wheel_names, sdist_names


def package_files(subdir, suffixes=None):
    """Paths (as in the wheel) of the files under ``wagtail_conditions/<subdir>`` in the source."""
    found = set()
    for path in (PACKAGE_DIR / subdir).rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            if suffixes is None or path.suffix in suffixes:
                found.add(path.relative_to(PACKAGE_DIR.parent).as_posix())
    return found


def test_wheel_carries_every_template(dists):
    wheel, _sdist = dists
    templates = package_files("templates")
    assert "wagtail_conditions/templates/wagtail_conditions/condition_page.html" in templates
    assert templates <= wheel, sorted(templates - wheel)


def test_wheel_carries_the_stylesheet(dists):
    wheel, _sdist = dists
    assert "wagtail_conditions/static/wagtail_conditions/css/conditions.css" in wheel
    assert package_files("static") <= wheel


def test_wheel_carries_every_migration(dists):
    wheel, _sdist = dists
    migrations = package_files("migrations", {".py"})
    assert "wagtail_conditions/migrations/0001_initial.py" in migrations
    assert migrations <= wheel, sorted(migrations - wheel)


def test_wheel_carries_the_translation_catalogs(dists):
    wheel, _sdist = dists
    for locale in ("en", "es", "fr"):
        assert f"wagtail_conditions/locale/{locale}/LC_MESSAGES/django.po" in wheel
        assert f"wagtail_conditions/locale/{locale}/LC_MESSAGES/django.mo" in wheel
    assert package_files("locale") <= wheel


def test_wheel_carries_the_management_commands(dists):
    wheel, _sdist = dists
    assert "wagtail_conditions/management/commands/load_conditions_demo.py" in wheel


def test_wheel_leaves_out_tests_example_site_and_bytecode(dists):
    wheel, _sdist = dists
    top_level = {name.split("/", 1)[0] for name in wheel}
    assert top_level == {
        "wagtail_conditions",
        f"wagtail_conditions-{wagtail_conditions.__version__}.dist-info",
    }
    assert not [name for name in wheel if "__pycache__" in name or name.endswith(".pyc")]


def test_wheel_metadata_has_the_package_version_and_license(dists):
    wheel, _sdist = dists
    dist_info = f"wagtail_conditions-{wagtail_conditions.__version__}.dist-info"
    assert f"{dist_info}/METADATA" in wheel
    assert any(name.startswith(f"{dist_info}/") and name.endswith("LICENSE") for name in wheel)


def test_sdist_carries_license_readme_and_changelog(dists):
    _wheel, sdist = dists
    for name in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "MANIFEST.in"):
        assert name in sdist, name
    assert "wagtail_conditions/templates/wagtail_conditions/base.html" in sdist
    assert "wagtail_conditions/locale/en/LC_MESSAGES/django.mo" in sdist


def test_sdist_leaves_out_tests_and_example_site(dists):
    _wheel, sdist = dists
    assert not [name for name in sdist if name.startswith(("tests/", "example_site/"))]
    assert not [name for name in sdist if "__pycache__" in name or name.endswith(".pyc")]

