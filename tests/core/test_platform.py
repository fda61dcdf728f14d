"""Platform-wide promises: production settings pass the deploy check; docs are served locally."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

from core.schema import SchemaView

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "haidian.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k8#vP2x!qLm9@wZr4$Tn7^Yb1&Hc6*Jd3(Fs5)Gu0-Ea_Ri+Ok=Wl~Qp;Xt:Vy",
        "ALLOWED_HOSTS": "grid.haidian.gov.cn",
    }
    env.pop("HTTPS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' setting, never production's
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haidian.settings", "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_openapi_schema_is_valid_and_free_of_errors_and_warnings(tmp_path, capsys):
    """The command that writes the schema for a client's code generator, in this process (a new one would spend three
    seconds starting Django first), with the warnings of earlier schema builds here forgotten: it fails on any of its
    own."""
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    printed = capsys.readouterr().err
    assert "Error" not in printed and "Warning" not in printed, printed
    assert "/api/v1/cases/{number}/actions/{action_name}/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_with_local_assets(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/grids/locate/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn" not in docs.content.lower()


@pytest.mark.django_db
def test_the_served_schema_is_built_once_per_language_and_only_for_the_platforms_languages(client):
    """Building the schema costs about a second: the public GET keeps it per language, and a query string (an unknown
    language or version) is answered without being kept, so nobody can grow the store."""
    SchemaView._built.clear()
    chinese = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert chinese.status_code == 200 and set(SchemaView._built) == {"zh-hans"}
    assert client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json() == chinese.json()
    english = client.get("/api/v1/schema/?lang=en", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert english.status_code == 200 and set(SchemaView._built) == {"zh-hans", "en"}
    assert english.json() != chinese.json()  # help texts in each language
    for query in ("lang=xx-made-up", "version=v9"):
        assert client.get(f"/api/v1/schema/?{query}").status_code == 200
    assert set(SchemaView._built) == {"zh-hans", "en"}


@pytest.mark.django_db
def test_liveness_endpoint(client):
    assert client.get("/livez").json() == {"status": "ok"}  # the full report, /healthz: tests/core/test_health.py
