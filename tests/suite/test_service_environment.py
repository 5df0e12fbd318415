"""Services the run starts get the environment they need, never the test process's whole one."""

from __future__ import annotations

import json
import textwrap

from handoff.run.processes import service_base_environment
from tests.suite.behave_run import run_behave

# A service that records its environment, then answers its health check.
RECORDING_SERVICE = textwrap.dedent(
    """
    import json, os, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    open(sys.argv[1], "w").write(json.dumps(dict(os.environ)))
    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args): pass
    HTTPServer(("127.0.0.1", int(sys.argv[2])), Health).serve_forever()
    """
)


def test_a_started_service_inherits_no_settings_or_secrets_of_the_test_process(tmp_path):
    (tmp_path / "service.py").write_text(RECORDING_SERVICE)
    recorded = tmp_path / "environment.json"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "recorder.toml").write_text(
        textwrap.dedent(
            f"""
            [run]
            start_services = true
            [services.recorder]
            command = ["{{python}}", "{tmp_path / "service.py"}", "{recorded}", "{{port}}"]
            env = {{ DECLARED = "yes" }}
            """
        )
    )
    (tmp_path / "features").mkdir()
    (tmp_path / "steps").mkdir()  # a project as handoff init writes one
    (tmp_path / "steps" / "handoff_steps.py").write_text("from handoff.steps import *  # noqa: F403\n")
    (tmp_path / "environment.py").write_text("from handoff import hooks\n\nhooks.install(globals())\n")
    (tmp_path / "features" / "health.feature").write_text(
        'Feature: Health\n  Scenario: it answers\n    When I send a GET request to recorder "/"\n'
        "    Then the response status is 200\n"
    )
    result = run_behave(
        tmp_path / "run",
        str(tmp_path / "features"),
        "-D",
        "env=recorder",
        env={
            "HANDOFF_CONFIG_DIR": str(tmp_path / "config"),
            "HANDOFF_PG_URL": "postgresql://postgres:not-for-services@127.0.0.1:5432",
            "SOME_TOKEN": "not-for-services-either",
        },
    )
    assert result.exit_code == 0, result.output[-3000:]
    environment = json.loads(recorded.read_text())
    assert environment["DECLARED"] == "yes" and "PATH" in environment
    assert "HANDOFF_PG_URL" not in environment and "SOME_TOKEN" not in environment
    assert not [name for name in environment if name.startswith("HANDOFF_")]


def test_the_inherited_part_is_what_a_program_needs_to_run():
    inherited = service_base_environment({"PATH": "/bin", "LC_ALL": "C", "HOME": "/root", "AWS_SECRET": "x"})
    assert inherited == {"PATH": "/bin", "LC_ALL": "C", "HOME": "/root"}
