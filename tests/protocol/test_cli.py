"""`amana check` as an auditor uses it: files, stdin, batch; exit 0 on a decision, 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from amana.protocol import cli

CORPUS = Path(__file__).resolve().parent / "corpus" / "protocols"
CAMP = str(CORPUS / "camp.yaml")
REQUEST = {
    "at": "2026-05-10",
    "from": "ngo-a",
    "to": "un",
    "purpose": "referral_immediate",
    "service": "health",
    "legal_basis": "consent",
    "subject": {"age": 5, "care_status": "with_parents"},
    "consents": [
        {"given_by": "caregiver", "kind": "consent", "purposes": ["referral_immediate"],
         "recipients": ["un"], "on": "2026-05-01"}
    ],
    "elements": ["full_name", "incident_narrative"],
}  # fmt: skip


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run(monkeypatch, capsys):
    """`amana check ARGS` in this process, with `stdin` as standard input."""

    def invoke(args, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return invoke


def run_subprocess(args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "amana.cli", "check", *args],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_one_request_from_a_file(run, tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(REQUEST))
    result = run(["--protocol", CAMP, str(path)])
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["decision"] == "allow" and decision["share"] == ["full_name"]
    assert decision["withhold"][0]["element"] == "incident_narrative"


def test_a_denial_also_exits_zero(run):
    denied = REQUEST | {"consents": []}
    result = run(["--protocol", CAMP, "-"], json.dumps(denied))
    assert result.returncode == 0
    assert json.loads(result.stdout)["decision"] == "deny"


def test_texts_in_french_and_arabic(run):
    for lang in ("fr", "ar"):
        result = run(["--protocol", CAMP, "--lang", lang, "-"], json.dumps(REQUEST))
        decision = json.loads(result.stdout)
        english = json.loads(run(["--protocol", CAMP, "-"], json.dumps(REQUEST)).stdout)
        assert decision["reasons"][0]["text"] != english["reasons"][0]["text"]
        assert decision["reasons"][0]["code"] == english["reasons"][0]["code"]


def test_batch_keeps_order_and_reports_bad_lines_in_place(run):
    lines = [json.dumps(REQUEST), "{not json", json.dumps(REQUEST | {"at": "10/05/2026"}),
             json.dumps(REQUEST | {"consents": []})]  # fmt: skip
    result = run(["--protocol", CAMP, "--batch", "-"], "\n\n".join(lines) + "\n")
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["decision"] == "allow"
    assert "not valid JSON" in out[1]["error"]
    assert out[2] == {"error": "at: expected a date like 2026-03-01, got '10/05/2026'"}
    assert out[3]["decision"] == "deny"


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ({"at": "03/01/2026"}, "at: expected a date like 2026-03-01, got '03/01/2026'"),
        ({"legal_basis": "whim"}, "legal_basis: expected one of consent, vital_interests"),
        ({"subject": {"age": -1}}, "subject.age: expected a whole number of at least 0"),
        ({"elements": []}, "elements: expected at least one data element"),
        ({"consents": [{"given_by": "caregiver"}]}, "consents[0].kind: required"),
    ],
)
def test_bad_request_exits_2_with_one_line(run, mutation, message):
    result = run(["--protocol", CAMP, "-"], json.dumps(REQUEST | mutation))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_protocol_names_the_key_path(run, tmp_path):
    text = Path(CAMP).read_text().replace("signed_on: 2026-02-21}", "signed_on: 03/01/2026}", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = run(["--protocol", str(bad), "-"], json.dumps(REQUEST))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "amana check: participants[2].signed_on: expected a date like 2026-03-01, got '03/01/2026'"
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("id: [unclosed", "not valid YAML or JSON at line 1"),
        ("- just\n- a list\n", "document: expected an object"),
        ("id: x\ntitle: y\neffective_from: 2026-01-01\nparticipants: []\n", "purposes: required"),
    ],
)
def test_malformed_protocol_files(run, tmp_path, content, fragment):
    path = tmp_path / "p.yaml"
    path.write_text(content)
    result = run(["--protocol", str(path), "-"], json.dumps(REQUEST))
    assert result.returncode == 2 and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_files_and_arguments(run, tmp_path):
    assert run(["--protocol", str(tmp_path / "none.yaml"), "-"], "{}").returncode == 2
    missing_request = run(["--protocol", CAMP, str(tmp_path / "none.json")])
    assert missing_request.returncode == 2 and "cannot read" in missing_request.stderr
    no_protocol = run([])
    assert no_protocol.returncode == 2
    assert len(no_protocol.stderr.strip().splitlines()) == 1


def test_the_installed_command_end_to_end(tmp_path):
    """The same through a real process: what an auditor types."""
    ok = run_subprocess(["--protocol", CAMP, "-"], json.dumps(REQUEST))
    assert ok.returncode == 0 and json.loads(ok.stdout)["decision"] == "allow"
    bad = run_subprocess(["--protocol", CAMP, "-"], json.dumps(REQUEST | {"at": "x"}))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_request_that_is_not_utf8(run, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b"\xff\xfe{")
    result = run(["--protocol", CAMP, str(path)])
    assert result.returncode == 2 and "UTF-8" in result.stderr


def test_parallel_batch_gives_the_same_lines_in_the_same_order(tmp_path):
    import random

    from amana.protocol.bench import demo_protocol_path
    from amana.protocol.cli import CHUNK_LINES
    from amana.protocol.generate import make_request
    from amana.protocol.loading import load_protocol

    protocol_path = str(demo_protocol_path())
    rng = random.Random(5)
    protocol = load_protocol(protocol_path)
    lines = [json.dumps(make_request(rng, protocol)) for _ in range(CHUNK_LINES + 300)]
    lines[7] = "{broken"
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    serial = run_subprocess(["--protocol", protocol_path, "--batch", str(batch)])
    parallel = run_subprocess(["--protocol", protocol_path, "--batch", "--jobs", "2", str(batch)])
    assert serial.returncode == parallel.returncode == 0
    assert serial.stdout == parallel.stdout
    assert len(parallel.stdout.splitlines()) == len(lines)
    assert "error" in json.loads(parallel.stdout.splitlines()[7])


def test_parallel_batch_in_process_and_its_worker_steps():
    from amana.protocol.bench import demo_protocol_path
    from amana.protocol.loading import load_protocol

    protocol = load_protocol(demo_protocol_path())
    lines = [json.dumps(REQUEST | {"from": "ngo-psy", "to": "unhcr"}).encode(), b"", b"{bad"]
    out = io.BytesIO()
    cli.run_parallel_batch(protocol, io.BytesIO(b"\n".join(lines)), out, "fr", jobs=2)
    serial = io.BytesIO()
    cli.run_batch(protocol, io.BytesIO(b"\n".join(lines)), serial, "fr")
    assert out.getvalue() == serial.getvalue() and out.getvalue().count(b"\n") == 2
    cli._start_worker(protocol, "en")
    assert cli._decide_chunk(lines).count(b"\n") == 2
    assert [len(c) for c in cli._chunks([b"x"] * (cli.CHUNK_LINES + 1))] == [cli.CHUNK_LINES, 1]
    assert [len(c) for c in cli._chunks([b"x"] * cli.CHUNK_LINES)] == [cli.CHUNK_LINES]


def test_a_worker_that_stops_is_reported_not_waited_for(monkeypatch, capsys, tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    def broken(*args):
        raise BrokenProcessPool("a worker stopped")

    monkeypatch.setattr(cli, "run_parallel_batch", broken)
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(REQUEST) + "\n")
    assert cli.main(["--protocol", CAMP, "--batch", "--jobs", "2", str(batch)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["amana check: a worker process stopped unexpectedly; run again"]


def test_parallel_batch_keeps_order_over_many_chunks(monkeypatch):
    """More chunks than are let wait at a time: the output still comes in input order."""
    from amana.protocol.bench import demo_protocol_path
    from amana.protocol.loading import load_protocol

    monkeypatch.setattr(cli, "CHUNK_LINES", 3)
    protocol = load_protocol(demo_protocol_path())
    lines = [
        json.dumps(REQUEST | {"from": "ngo-psy", "to": "unhcr", "label": f"case {n}"}).encode()
        for n in range(20)
    ]
    out, serial = io.BytesIO(), io.BytesIO()
    cli.run_parallel_batch(protocol, io.BytesIO(b"\n".join(lines)), out, "en", jobs=2)
    cli.run_batch(protocol, io.BytesIO(b"\n".join(lines)), serial, "en")
    assert out.getvalue() == serial.getvalue() and out.getvalue().count(b"\n") == 20


def test_jobs_option_from_the_command_line(run):
    lines = "\n".join([json.dumps(REQUEST), json.dumps(REQUEST | {"consents": []})]) + "\n"
    result = run(["--protocol", CAMP, "--batch", "--jobs", "2", "-"], lines)
    assert result.returncode == 0
    assert [json.loads(x)["decision"] for x in result.stdout.splitlines()] == ["allow", "deny"]
