"""The load test's figures (loadtest/run.py): the sustained window, nearest-rank percentiles,
errors counted over the whole run."""

from __future__ import annotations

from loadtest.run import _figures, _percentile


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert _percentile(values, 50) == 50
    assert _percentile(values, 99) == 99
    assert _percentile([7.0], 99) == 7.0
    assert _percentile([3, 1, 2], 50) == 2  # sorted first
    assert _percentile([], 99) is None


def test_figures_count_saves_after_the_ramp_and_errors_over_the_run(tmp_path):
    trace = tmp_path / "trace.tsv"
    lines = ["1000.0\tcreate span\t400.0\tok",  # in the ramp: left out of the sustained part
             "1001.0\treview queue\t30.0\terror"]
    # Ten seconds after a 2 s ramp: 10 saves a second, 5 ms each but one slow edit a second.
    for second in range(10):
        for tenth in range(10):
            milliseconds = 90.0 if tenth == 9 else 5.0
            name = "edit span" if tenth % 2 else "create span"
            lines.append(f"{1002 + second + tenth / 10:.1f}\t{name}\t{milliseconds}\tok")
    trace.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = _figures(trace, ramp=2.0)
    assert figures["saves"] == 100
    assert figures["saves_per_second"] == round(100 / (1011.9 - 1000.0 - 2.0), 1)
    assert (figures["save_p50_ms"], figures["save_p99_ms"]) == (5.0, 90.0)
    assert figures["ramp_save_p99_ms"] == 400.0
    assert figures["run_save_p99_ms"] == 90.0
    assert (figures["errors"], figures["reviewer_requests"]) == (1, 1)
