"""Fuzz test of the input readers (issue 15, item 6): every mutated file is refused or read right.

``longjiang_forecast.fuzz`` mutates valid progress files (CSV/xlsx, from ``template``),
catalogues (CSV/xlsx) and scenarios (TOML); each outcome must be our own error naming the file,
or a correct reading. The long run (``python -m longjiang_forecast.fuzz --cases 10000``)
is documented in ``docs/files-and-arviz.md``.
"""

from __future__ import annotations

import pytest

from longjiang_forecast import fuzz

#: Cases per file kind in CI (2,000 in all), each kind with its own seed.
CASES = {"progress": 900, "catalogue": 500, "scenario": 600}


@pytest.mark.parametrize(
    "kind",
    [
        "progress",
        "catalogue",
        "scenario",
    ],
)
def test_fuzz_nothing_escapes_nothing_slips_through(kind: str) -> None:
    kinds = [k for k in fuzz.FILE_KINDS if k[0] == kind]
    results = fuzz.run_fuzz(CASES[kind], seed=15, kinds=kinds)
    bad = results[results["outcome"].isin(["foreign", "silent"])]
    listing = "\n".join(f"{r.fmt} {r.mutation} {r.outcome}: {r.detail}" for r in bad.head(20).itertuples())
    assert bad.empty, f"{len(bad)} of {len(results)} {kind} cases:\n{listing}"
    # both good outcomes occur: the mutations do reach the reader and some files stay readable
    assert set(results["outcome"]) == {"refused", "correct"}


def _one(kind: str, fmt: str, mutation: str) -> fuzz.FuzzCase:
    return next(c for c in fuzz.fuzz_cases(400, seed=3, kinds=[(kind, fmt)]) if c.mutation == mutation)


def test_classify_flags_a_must_refuse_file_that_is_read() -> None:
    # the classifier itself can fail: a valid file that is expected to be refused is "silent"
    case = _one("progress", "csv", "crlf")
    assert fuzz.classify(case) == ("correct", "")
    assert fuzz.classify(fuzz.FuzzCase(**{**case.__dict__, "expect": "refuse"}))[0] == "silent"


def test_classify_flags_a_foreign_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    import longjiang_forecast.progress as progress

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(progress, "read_progress", broken)
    outcome, detail = fuzz.classify(_one("progress", "csv", "crlf"))
    assert (outcome, detail) == ("foreign", "KeyError: 'boom'")


def test_cases_are_reproducible() -> None:
    def cases(seed: int) -> list[tuple[str, bytes]]:
        # an xlsx file carries the time it was saved: compare the others' bytes
        return [(c.mutation, b"" if c.fmt == "xlsx" else c.data) for c in fuzz.fuzz_cases(30, seed=seed)]

    first, again, other = cases(7), cases(7), cases(8)
    assert first == again
    assert first != other
