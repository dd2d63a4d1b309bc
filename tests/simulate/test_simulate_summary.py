"""The streaming engine (simulate_summary): agreement, reproducibility, totals, quantiles, bad input."""

import numpy as np
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel
from longjiang_forecast.simulate import DYNAMICS, simulate_summary
from longjiang_forecast.simulate._reference import normal_job, reference_job, small_job

FAMILIES = [d for d in DYNAMICS if d != "none"]
NUMERIC = ["p_met", "p_met_se", "p_met_rb", "deadline_value", "first_passage_cdf", "expected_shortfall"]


@pytest.fixture(scope="module")
def fitted(catalog, progress):
    return SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")


@pytest.fixture(scope="module")
def draws(fitted):
    return fitted.sample_parameters(2000, seed=11)


@pytest.fixture(scope="module")
def mixed():
    return small_job([*FAMILIES, "none"], 2500, regions=3, seed=1)


def _assert_same(a, b, names=NUMERIC):
    for name in names:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_simulate_is_the_engine_keeping_every_path(fitted, draws):
    """One engine: ``simulate`` gives the paths ``simulate_summary`` keeps (float64, same seed, no totals)."""
    state = fitted.state_
    full = lf.simulate(draws, state, seed=1, n_jobs=2)
    stream = simulate_summary(
        draws, state, seed=1, keep_paths=True, dtype="float64", past_deadline="ignore", totals=False
    )
    np.testing.assert_array_equal(full.values, stream["paths"].values)
    # and the streamed P(met) is the share of those paths that meet the target at the deadline
    dl = np.clip(state["deadline_month"].values - 1, 0, 11)
    at = full.values[:, np.arange(state.sizes["series"]), dl]
    sign = np.where(state["comparator"].values == "<=", -1.0, 1.0)
    share = (sign * at >= sign * state["target"].values).mean(axis=0)
    ok = np.isfinite(stream["p_met"].values)
    np.testing.assert_allclose(stream["p_met"].values[ok], share[ok], atol=1e-12)


def test_same_seed_same_summary_whatever_threads_and_kept_paths(mixed):
    d, s = mixed
    a = simulate_summary(d, s, seed=7, n_jobs=1)
    b = simulate_summary(d, s, seed=7, n_jobs=3, keep_paths=100)
    c = simulate_summary(d, s, seed=8, n_jobs=1)
    _assert_same(a, b)
    _assert_same(a, b, ["total_p_met", "total_deadline_value", "total_expected_shortfall"])
    assert not np.array_equal(a["p_met"].values, c["p_met"].values, equal_nan=True)
    assert b["paths"].sizes["draw"] == 100 and a.attrs["seed_entropy"] == "7"


def test_paths_out_holds_the_kept_paths_in_the_given_columns_and_nothing_else(mixed):
    """The caller's array gets the kept paths (percent changes included) in its columns; the
    columns it keeps for itself are untouched; the summaries are the same."""
    d, s = mixed
    n = s.sizes["series"]
    a = simulate_summary(d, s, seed=7, n_jobs=2, keep_paths=300)
    columns = np.random.default_rng(0).permutation(n + 3)[:n]
    out = np.full((300, n + 3, 12), -7.0, np.float32)
    b = simulate_summary(d, s, seed=7, n_jobs=2, keep_paths=300, paths_out=(out, columns))
    assert "paths" not in b
    np.testing.assert_array_equal(out[:, columns], a["paths"].transpose("draw", "series", "month").values)
    assert (np.delete(out, columns, axis=1) == -7.0).all()
    _assert_same(a, b)


@pytest.mark.parametrize(
    "out, columns",
    [
        (np.zeros((299, 40, 12), np.float32), "all"),  # one draw short
        (np.zeros((300, 40, 12), np.float64), "all"),  # not the engine's dtype
        (np.zeros((300, 40, 12), np.float32), "twice"),  # two series in one column
        (np.zeros((300, 40, 12), np.float32), "outside"),  # a column past the array's
        ("not an array", "all"),
    ],
)
def test_paths_out_that_cannot_hold_the_kept_paths_is_refused(mixed, out, columns):
    d, s = mixed
    n = s.sizes["series"]
    cols = {"all": np.arange(n), "twice": np.r_[0, np.arange(n - 1)], "outside": np.arange(n) + 40 - n + 1}
    with pytest.raises(ValueError, match="'paths_out' parameter of simulate_summary must be an array"):
        simulate_summary(d, s, seed=7, keep_paths=300, paths_out=(out, cols[columns]))
    with pytest.raises(ValueError, match="'paths_out' parameter of simulate_summary must be an array"):
        simulate_summary(d, s, seed=7, keep_paths=300, paths_out=out)  # not (array, columns)


def test_blocks_binned_after_their_task_give_the_same_summary(mixed, monkeypatch):
    """Tasks that start before block 0 has set the histogram bins return their deadline values,
    binned when they are folded: the same statistics as tasks that bin their own."""
    from longjiang_forecast.simulate import _stream

    d, s = mixed
    a = simulate_summary(d, s, seed=7, n_jobs=1)  # every block after the first binned in its task
    real, unbinned = _stream.run_blocks, []

    def before_the_bins(plan, params, sizes, seeds, edges, *rest):
        unbinned.append(len(sizes))
        return real(plan, params, sizes, seeds, None, *rest)  # as if block 0 were not done yet

    monkeypatch.setattr(_stream, "run_blocks", before_the_bins)
    b = simulate_summary(d, s, seed=7, n_jobs=2)
    assert sum(unbinned) == 3  # 2,500 draws: three blocks, none binned in its task
    _assert_same(a, b, [*NUMERIC, "total_p_met", "total_deadline_value", "total_expected_shortfall"])


@pytest.mark.parametrize("per_task", [1, 4])
def test_rao_blackwell_on_leading_draws_is_that_of_a_run_of_those_draws(monkeypatch, per_task):
    """``rao_blackwell=k``: p_met_rb on the first k draws (whole blocks), the rest of the summary on all."""
    from longjiang_forecast.simulate import _stream

    monkeypatch.setattr(_stream, "blocks_per_task", lambda n_series: per_task)
    d, s = small_job([*FAMILIES, "none"], 5500, regions=2, seed=9)  # 6 blocks, the last short
    full = simulate_summary(d, s, seed=5, n_jobs=2)
    part = simulate_summary(d, s, seed=5, n_jobs=2, rao_blackwell=1500)  # rounded up to 2 blocks
    lead = simulate_summary(d.isel(draw=slice(0, 2048)), s, seed=5, n_jobs=1)
    assert part.attrs["p_met_rb_draws"] == 2048 and full.attrs["p_met_rb_draws"] == 5500
    for name in ("p_met_rb", "p_met_rb_se"):
        np.testing.assert_array_equal(part[name].values, lead[name].values, err_msg=name)
    assert not np.array_equal(part["p_met_rb"].values, full["p_met_rb"].values, equal_nan=True)
    _assert_same(
        part, full, ["p_met", "p_met_se", "deadline_value", "first_passage_cdf", "expected_shortfall"]
    )
    none = simulate_summary(d, s, seed=5, rao_blackwell=False)
    assert "p_met_rb" not in none and none.attrs["p_met_rb_draws"] == 0


def test_same_summary_whatever_blocks_each_task_runs_side_by_side(monkeypatch):
    """A task may run several blocks in one array (fewer Python calls): every number stays the same."""
    from longjiang_forecast.simulate import _stream

    d, s = small_job([*FAMILIES, "none"], 5500, regions=2, seed=9)  # 6 blocks, the last short
    runs = {}
    for per_task in (1, 2, 4, 16):
        monkeypatch.setattr(_stream, "blocks_per_task", lambda n_series, k=per_task: k)
        runs[per_task] = simulate_summary(d, s, seed=5, n_jobs=2, keep_paths=1500)
    for per_task in (2, 4, 16):
        for name in runs[1].data_vars:
            if runs[1][name].dtype.kind in "fc":
                np.testing.assert_array_equal(
                    runs[1][name].values, runs[per_task][name].values, err_msg=f"{name}, {per_task} per task"
                )
    assert np.isfinite(runs[1]["p_met_rb"].values).sum() > 0 and runs[1]["paths"].sizes["draw"] == 1500
    assert _stream.task_blocks(6, 4) == [range(0, 1), range(1, 5), range(5, 6)]


def test_tasks_hold_about_the_same_number_of_cells_whatever_the_series():
    from longjiang_forecast.simulate._stream import BLOCK_SIZE, TASK_CELLS, blocks_per_task

    assert blocks_per_task(585) == 1  # the reference job: one block is already 600,000 cells
    assert blocks_per_task(20) == TASK_CELLS // (20 * BLOCK_SIZE) == 6
    assert blocks_per_task(1) == 16  # capped


def test_lazy_dask_draws_give_the_same_summary():
    pytest.importorskip("dask")
    d, s = reference_job(2100, n_indicators=3, n_regions=4, n_ratio=1)
    lazy, _ = reference_job(2100, n_indicators=3, n_regions=4, n_ratio=1, lazy=True)
    _assert_same(simulate_summary(d, s, seed=3), simulate_summary(lazy, s, seed=3))


def test_kept_paths_reproduce_every_summary(mixed):
    d, s = mixed
    out = simulate_summary(d, s, seed=4, keep_paths=True, dtype="float64")
    paths = out["paths"].values
    dl = s["deadline_month"].values - 1
    at = paths[:, np.arange(paths.shape[1]), dl]
    sim = d["dynamics"].values != "none"
    met = (at >= s["target"].values).mean(axis=0)
    np.testing.assert_allclose(out["p_met"].values[sim], met[sim])
    exact = np.quantile(at[:, sim], out["quantile"].values, axis=0).T
    err = np.abs(out["deadline_value"].values[sim] - exact)
    assert np.all(err <= out["deadline_value_error"].values[sim] + 1e-9)
    # Province totals on the joint paths: sum of counts, population-weighted mean of levels.
    for g, ind in enumerate(out["total"].values):
        members = np.flatnonzero(s["indicator"].values == ind)
        x = at[:, members]
        if out["total_aggregation"].values[g] == "sum":
            tot = x.sum(axis=1)
        else:
            w = d["population"].values[members]
            tot = x @ (w / w.sum())
        p = (tot >= out["total_target"].values[g]).mean()
        assert out["total_p_met"].values[g] == pytest.approx(p, abs=1e-12)


def test_first_passage_is_the_rule_of_summarise_levels_from_their_latest_report(mixed):
    """One rule for every output: the streamed first-passage CDF is summarise's on the same paths."""
    d, s = mixed
    s = s.copy(deep=True)
    kind = s["kind"].values if "kind" in s else np.full(s.sizes["series"], "level")
    last = s["last_month"].values.astype(int)
    start = np.where(kind == "level", np.maximum(last - 1, 0), 0)
    # levels whose first report met the target and which fell back below it since
    fell = np.flatnonzero((start > 1) & (s["comparator"].values == ">=") & (d["dynamics"].values != "none"))
    assert fell.size
    for i in fell:
        s["observed"][i, 0] = s["target"].values[i]
    out = simulate_summary(d, s, seed=4, keep_paths=True, dtype="float64")
    sign = np.where(s["comparator"].values == "<=", -1.0, 1.0)
    paths = out["paths"].values
    months = np.arange(12)
    hit = (sign[:, None] * paths >= (sign * s["target"].values.astype(float))[:, None]) & (
        months[None, :] >= start[:, None]
    )[None]
    expected = np.maximum.accumulate(hit, axis=2).mean(axis=0)  # reached in some month from `start` on
    got = out["first_passage_cdf"].values
    shown = np.isfinite(got)
    assert shown.any()
    np.testing.assert_allclose(got[shown], expected[shown], atol=1e-12)


def test_totals_are_not_the_product_of_marginals():
    """Joint paths: P(total met) differs from what independent regions would give."""
    d, s = reference_job(3000, n_indicators=2, n_regions=5, n_ratio=0)
    out = simulate_summary(d, s, seed=5)
    assert out.sizes["total"] == 2
    assert np.all((out["total_p_met"] >= 0) & (out["total_p_met"] <= 1))
    assert np.all(out["total_first_passage_cdf"].diff("month") >= 0)


@pytest.mark.parametrize("family", FAMILIES)
def test_rao_blackwell_agrees_with_brute_force_within_3_se(family):
    d, s = small_job([family], 6000, seed=12)
    out = simulate_summary(d, s, seed=13)
    p, rb = float(out["p_met"][0]), float(out["p_met_rb"][0])
    if family in ("lognormal", "lognormal_increment"):
        assert np.isnan(rb)
        return
    se = float(np.hypot(out["p_met_se"][0], out["p_met_rb_se"][0]))
    assert 0.02 < p < 0.98
    assert abs(p - rb) < 3 * se
    if family == "dirichlet":  # a December deadline: each draw's total is known, the paths add nothing
        assert abs(p - rb) < 1e-9
        return
    assert float(out["p_met_rb_se"][0]) < float(out["p_met_se"][0])


def test_float32_agrees_with_float64(mixed):
    """float32 draws its variates with other algorithms: equal in law, within Monte Carlo error."""
    d, s = mixed
    a = simulate_summary(d, s, seed=6, dtype="float32")
    b = simulate_summary(d, s, seed=6, dtype="float64")
    ok = np.isfinite(a["p_met"].values)
    diff = np.abs(a["p_met"] - b["p_met"]).values[ok]
    assert np.all(diff <= 5 * np.hypot(a["p_met_se"], b["p_met_se"]).values[ok] + 1e-12)


def test_new_families_work_in_simulate_with_bounds_kept(mixed):
    d, s = mixed
    paths = lf.simulate(d, s, seed=2).values
    dyn = d["dynamics"].values
    mono = np.isin(dyn, ["gamma", "dirichlet", "negbin", "poisson", "lognormal_increment", "binomial"])
    assert np.all(np.diff(paths[:, mono, 2:], axis=-1) >= 0)
    link = dyn == "link_normal"
    assert np.all((paths[:, link] >= 0) & (paths[:, link] <= 100))
    assert np.all(np.isnan(paths[:, dyn == "none"]))


def test_past_deadline_is_refused_or_settled():
    d, s = small_job(["gamma", "gamma"], 50, as_of_month=8)
    s = s.copy()
    s["deadline_month"] = ("series", np.array([6, 12]))
    with pytest.raises(lf.DataValidationError, match=r"The 'deadline' of 1 series \(x0/province\) is before"):
        simulate_summary(d, s, seed=1)
    with pytest.warns(lf.ForecastWarning, match="settled from their reports"):
        out = simulate_summary(d, s, seed=1, past_deadline="warn")
    assert out["p_met"].values[0] in (0.0, 1.0) and out["p_met_rb"].values[0] == out["p_met"].values[0]


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (
            lambda d: d.assign(gamma_scale=d["gamma_scale"] * -1),
            r"'gamma_scale' parameter of simulate_summary must",
        ),
        (
            lambda d: d.assign(nb_prob=d["nb_prob"].where(d["draw"] != 3)),
            r"'nb_prob' parameter of simulate_summary has NaN",
        ),
        (lambda d: d.assign(hazard=d["hazard"] + 2), r"'hazard' parameter of simulate_summary must be in"),
        (lambda d: d.assign(gamma_shape=d["gamma_shape"].isel(month=0)), r"'gamma_shape' parameter .* dims"),
        (lambda d: d.isel(series=slice(0, 2)), r"'draws' parameter of simulate_summary has 2 series"),
        (lambda d: d.drop_vars("poisson_rate"), r"'poisson_rate' parameter of simulate_summary is missing"),
        (lambda d: d.assign(link=d["link"].copy(data=["probit"] * d.sizes["series"])), r"'link' parameter"),
    ],
)
def test_bad_input_names_the_parameter(mixed, edit, match):
    d, s = mixed
    with pytest.raises(lf.DataValidationError, match=match):
        simulate_summary(edit(d), s, seed=1)


def test_bad_options_are_refused(mixed):
    d, s = mixed
    with pytest.raises(ValueError, match="'n_jobs' parameter of simulate_summary must be an int"):
        simulate_summary(d, s, n_jobs=0)
    with pytest.raises(ValueError, match="'quantiles' parameter"):
        simulate_summary(d, s, quantiles=(0.5, 1.5))
    with pytest.raises(ValueError, match="'backend' parameter"):
        simulate_summary(d, s, backend="mpi")
    m = xr.DataArray(np.ones((3, 12)), dims=("series", "month"))
    with pytest.raises(
        lf.DataValidationError, match="'multiplier' parameter of simulate_summary must have shape"
    ):
        simulate_summary(d, s, multiplier=m)


def test_a_stoppage_multiplier_lowers_p_met():
    d, s = small_job(["gamma", "dirichlet", "negbin", "poisson", "binomial"], 3000, seed=3)
    stop = np.ones((5, 12))
    stop[:, 6:9] = 0.0
    base = simulate_summary(d, s, seed=1)
    slow = simulate_summary(d, s, seed=1, multiplier=stop)
    exact = d["dynamics"].values != "dirichlet"  # a split stopped in some months has no closed form
    assert np.all(slow["p_met_rb"].values[exact] < base["p_met_rb"].values[exact])
    assert np.isnan(slow["p_met_rb"].values[~exact]).all()
    assert np.all(slow["p_met"].values <= base["p_met"].values)


def test_the_gaussian_random_walk_job_of_the_ets_comparison():
    """The benchmark's ETS counterpart: unbounded identity-link walks, exact law known."""
    d, s = normal_job(4000, 3)
    out = simulate_summary(d, s, seed=3, keep_paths=200)
    se = np.hypot(out["p_met_se"], out["p_met_rb_se"]).values
    assert np.all(np.abs(out["p_met"] - out["p_met_rb"]).values < 3 * se)
    steps = np.diff(out["paths"].values, axis=-1)
    assert (steps < 0).any() and (steps > 0).any()  # a walk, not a count
    # E[value at December] = start + 12 drift (identity link, no bounds)
    mean = d["start"].values + 12 * d["link_drift"].values[:200].mean(axis=0)
    last = out["paths"].values[:, :, -1]
    assert np.all(np.abs(last.mean(axis=0) - mean) < 4 * last.std(axis=0) / np.sqrt(200))


def test_simulate_and_simulate_summary_agree_when_reported_months_have_gamma_shape():
    """small_job gives every month a Gamma shape; both entry points ignore the reported ones."""
    d, s = small_job(["gamma"], 7000, regions=2)
    assert np.all(d["gamma_shape"].values[:, :3] > 0) and np.all(s["last_month"].values == 3)
    out = simulate_summary(d, s, seed=3)
    paths = lf.simulate(d, s, seed=3).values
    p = (paths[:, :, 11] >= s["target"].values).mean(axis=0)
    se = np.sqrt(p * (1 - p) / paths.shape[0])
    assert np.all(np.abs(p - out["p_met"].values) < 4 * np.hypot(se, out["p_met_se"].values))
    assert np.all(np.abs(p - out["p_met_rb"].values) < 4 * np.hypot(se, out["p_met_rb_se"].values))
    # the paths start from the last report: no increments of months 1-3 are added
    np.testing.assert_array_equal(paths[:, :, 2], np.broadcast_to(d["start"].values, paths[:, :, 2].shape))


def _set(s, name, i, value):
    s = s.copy(deep=True)
    arr = s[name].values.copy()
    arr[i] = value
    s[name] = (s[name].dims, arr)
    return s


@pytest.mark.parametrize("entry", ["simulate", "simulate_summary"])
@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("target", np.nan, r"The 'target' of the state of {w} is NaN or infinite for series x0/r1"),
        (
            "comparator",
            "=>",
            r"The 'comparator' of the state of {w} must be '>=' .* or '<=' .* for series x0/r1; got '=>'",
        ),
        (
            "deadline_month",
            13,
            r"The 'deadline_month' of the state of {w} must be a whole month in 1-12 "
            r".* for series x0/r1; got 13\.",
        ),
        ("deadline_month", 0, r"'deadline_month' .* got 0\. A deadline before the end of January"),
    ],
)
def test_a_bad_state_is_refused_naming_the_field_and_series(entry, name, value, match):
    d, s = small_job(["gamma", "negbin"], 50, regions=2)
    bad = _set(s, name, 1, value)
    run = lf.simulate if entry == "simulate" else simulate_summary
    with pytest.raises(lf.DataValidationError, match=match.format(w=entry)):
        run(d, bad, seed=1)


def test_a_bad_state_of_a_series_not_simulated_is_left_alone():
    d, s = small_job(["gamma", "none"], 50)
    out = simulate_summary(d, _set(_set(s, "target", 1, np.nan), "comparator", 1, ""), seed=1)
    assert np.isnan(out["p_met"].values[1]) and np.isfinite(out["p_met"].values[0])


def test_the_province_row_of_a_total_is_checked():
    d, s = small_job(["gamma"], 50, regions=3)
    s = s.assign_coords(region=("series", np.array(["province", "r1", "r2"], dtype=object)))
    d = d.assign_coords(region=s["region"])
    d["dynamics"][0] = "none"
    with pytest.raises(
        lf.DataValidationError, match=r"'target' of the state of simulate_summary .* x0/province"
    ):
        simulate_summary(d, _set(s, "target", 0, np.nan), seed=1)
