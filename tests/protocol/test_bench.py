"""`amana bench decisions` runs and reports; the figures themselves go to docs/performance.md."""

from __future__ import annotations

import json

from amana.protocol import bench


def test_run_reports_throughput_latency_and_floor():
    report = bench.run(300, bench.demo_protocol_path(), seed=1, end_to_end=True, repeat=2)
    assert report["requests"] == 300
    assert report["in_process"]["decisions_per_s"] > 0
    assert report["in_process"]["ratio_engine_to_floor"] > 0
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p99"]
    end_to_end = report["end_to_end_check_batch"]
    assert end_to_end["decisions_per_s"] > 0 and end_to_end["runs"] == 2
    assert len(end_to_end["each_run"]) == 2
    assert 0 < report["allow_share_in_sample"] < 1


def test_main_prints_json(capsys):
    assert bench.main(["--n", "200", "--no-end-to-end"]) == 0
    assert json.loads(capsys.readouterr().out)["requests"] == 200


def test_bad_arguments_exit_2_with_one_line(capsys, tmp_path):
    assert _exit_code(["--n", "5"]) == 2
    assert _exit_code(["--n", "lots"]) == 2
    assert _exit_code(["--n", "200", "--repeat", "0"]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    assert bench.main(["--n", "200", "--protocol", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("amana bench decisions: ")


def _exit_code(argv):
    try:
        return bench.main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
