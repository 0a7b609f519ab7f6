"""Static files: in production hashed names with gzip and brotli copies made by
collectstatic, served by whitenoise compressed and cached for a year; development and the
tests read them in place."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, SimpleTestCase, override_settings

from tests.test_deploy_check import PRODUCTION_ENV, run_manage

MANIFEST_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The portal's own files are enough to show it; plotly.js and the admin's take minutes.
IGNORED = ["admin", "*.min.js", "widgetbundle.js", "datasets", "templates"]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_uses_the_compressed_manifest_in_production() -> None:
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("whitenoise.storage.CompressedManifestStaticFilesStorage")
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


class CompressedStaticFilesTestCase(SimpleTestCase):
    def test_it_serves_hashed_names_compressed_and_cached_for_a_year(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            with override_settings(
                STORAGES=MANIFEST_STORAGES, STATIC_ROOT=root, WHITENOISE_USE_FINDERS=False
            ):
                call_command(
                    "collectstatic", interactive=False, verbosity=0, ignore_patterns=IGNORED
                )
                url = static("js/portal.js")
                self.assertRegex(url, r"^/static/js/portal\.[0-9a-f]{12}\.js$")
                name = url.removeprefix("/static/")
                for suffix in (".gz", ".br"):
                    self.assertTrue((Path(root) / f"{name}{suffix}").exists(), suffix)
                original = (Path(settings.BASE_DIR) / "static/js/portal.js").read_bytes()
                for encoding in ("br", "gzip"):
                    with self.subTest(encoding=encoding):
                        response = Client().get(url, HTTP_ACCEPT_ENCODING=encoding)
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(response["Content-Encoding"], encoding)
                        self.assertIn("immutable", response["Cache-Control"])
                        self.assertIn("max-age=315360000", response["Cache-Control"])
                        self.assertLess(len(body(response)), len(original))
                plain = Client().get(url)
                self.assertNotIn("Content-Encoding", plain)
                self.assertEqual(body(plain), original)

    def test_it_reads_the_files_in_place_without_the_manifest(self) -> None:
        # Development and the tests: no collectstatic, plain names.
        self.assertEqual(static("js/portal.js"), "/static/js/portal.js")
        response = Client().get("/static/js/portal.js")
        self.assertEqual(response.status_code, 200)
