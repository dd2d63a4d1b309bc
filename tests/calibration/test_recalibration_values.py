"""The recalibration maps give the numbers they gave with scikit-learn, now fitted with scipy alone.

The expected numbers were computed with the scikit-learn implementation (scikit-learn 1.9.1,
scipy 1.17.1) before it was replaced (issue 19), on the fixed data of ``_data``:

* isotonic: ``IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")``; the new fit is the
  same algorithm (scikit-learn itself calls ``scipy.optimize.isotonic_regression``), so its
  points and outputs are pinned to 1e-12.
* beta: ``LogisticRegression(C=1e6, max_iter=1000)`` (lbfgs, ``tol=1e-4``). That solver stops
  once its gradient is below 1e-4, not at the optimum, so its numbers are the optimum only to
  about 2e-3 (the map's outputs to 2e-4): no exact solver can reproduce them to 1e-9. The new
  fit solves the same penalised likelihood to machine precision; its numbers are pinned to
  1e-9, the old ones to the lbfgs stopping error, and the optimum is checked directly (the
  score equations are zero there).
"""

import sys

import numpy as np
import pytest
from scipy import special

from longjiang_forecast.calibration import Recalibrator
from longjiang_forecast.calibration._recalibrate import _BETA_C

GRID = np.array([0.0, 0.001, 0.05, 0.2, 0.37, 0.5, 0.63, 0.8, 0.95, 0.999, 1.0])

CASES = [(19, 60, 1.5, 2), (7, 40, 0.6, 1), (3, 80, 1.0, 3)]  # seed, n, power, decimals


def _data(seed, n, power, decimals):
    """n probabilities rounded to `decimals` (so with ties) and outcomes met with probability p**power."""
    rng = np.random.default_rng(seed)
    p = np.round(rng.random(n), decimals)
    y = (rng.random(n) < p**power).astype(float)
    return p, y


# fmt: off
ISOTONIC = {  # scikit-learn's X_thresholds_, y_thresholds_ and transform(GRID)
    19: ([0.04, 0.27, 0.31, 0.5, 0.51, 0.71, 0.72, 0.93, 0.95],
         [0.0, 0.0, 0.3333333333333333, 0.3333333333333333, 0.5333333333333333, 0.5333333333333333,
          0.7857142857142857, 0.7857142857142857, 1.0],
         [0.001, 0.001, 0.001, 0.001, 0.3333333333333333, 0.3333333333333333, 0.5333333333333333,
          0.7857142857142857, 0.999, 0.999, 0.999]),
    7: ([0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0],
        [0.0, 0.2857142857142857, 0.5, 0.5, 0.6363636363636364, 0.6363636363636364, 1.0, 1.0],
        [0.001, 0.0014285714285714284, 0.07142857142857142, 0.2857142857142857, 0.5, 0.6363636363636364,
         0.7454545454545456, 0.999, 0.999, 0.999, 0.999]),
    3: ([0.001, 0.102, 0.114, 0.284, 0.292, 0.394, 0.4, 0.433, 0.471, 0.587, 0.607, 0.683, 0.696, 0.921,
         0.931, 0.973],
        [0.0, 0.0, 0.14285714285714285, 0.14285714285714285, 0.2222222222222222, 0.2222222222222222, 0.25,
         0.25, 0.6666666666666666, 0.6666666666666666, 0.75, 0.75, 0.8260869565217391, 0.8260869565217391,
         1.0, 1.0],
        [0.001, 0.001, 0.001, 0.14285714285714285, 0.2222222222222222, 0.6666666666666666, 0.75,
         0.8260869565217391, 0.999, 0.999, 0.999]),
}
BETA_SKLEARN = {  # scikit-learn lbfgs (tol 1e-4): params_ and transform(GRID)
    19: ({"a": 2.294615509511429, "b": 0.0, "c": 1.4098032860865182},
         [0.001, 0.001, 0.004217650661708189, 0.09252073722098614, 0.29491661840021827,
          0.45494678282550843, 0.5865228937122973, 0.7104919743045482, 0.7845032517825286,
          0.8033725168303576, 0.8033725168303576]),
    7: ({"a": 0.6226324465826216, "b": 2.213943898458343, "c": -0.4651631089757963},
        [0.008459744067261023, 0.008459744067261023, 0.09824816795549067, 0.2742383432860524,
         0.4846807342493096, 0.6542672744103281, 0.8097485850315712, 0.9506920900558794, 0.9978395656327806,
         0.999, 0.999]),
    3: ({"a": 1.8303910547912807, "b": 0.4444091509758456, "c": 1.1357173928793902},
        [0.001, 0.001, 0.013062657677907532, 0.1530319396767182, 0.3825307356777384, 0.5436456199996498,
         0.675214757798849, 0.8088455692847725, 0.9147577007752405, 0.9852805365155796, 0.9852805365155796]),
}
BETA_OPTIMUM = {  # the same penalised likelihood solved to machine precision
    19: {"a": 2.296258169385851, "b": 0.0, "c": 1.4105974992140047},
    7: {"a": 0.6226172906691029, "b": 2.213912772918934, "c": -0.4651496643120901},
    3: {"a": 1.8299160775970318, "b": 0.4448195608708778, "c": 1.134880038561946},
}
# fmt: on


@pytest.fixture(autouse=True)
def _no_sklearn(monkeypatch):
    """The maps must work without scikit-learn: importing it fails inside these tests."""
    monkeypatch.setitem(sys.modules, "sklearn", None)


@pytest.mark.parametrize("case", CASES)
def test_isotonic_map_equals_the_scikit_learn_one(case):
    x, y, out = ISOTONIC[case[0]]
    rec = Recalibrator(method="isotonic").fit(*_data(*case))
    np.testing.assert_allclose(rec.params_["x"], x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rec.params_["y"], y, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rec.transform(GRID), out, rtol=0, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_beta_map_is_the_optimum_pinned_to_1e_9(case):
    rec = Recalibrator(method="beta").fit(*_data(*case))
    for key, value in BETA_OPTIMUM[case[0]].items():
        assert rec.params_[key] == pytest.approx(value, abs=1e-9), key


@pytest.mark.parametrize("case", CASES)
def test_beta_map_solves_the_score_equations(case):
    # the optimum itself, independently of the pinned numbers: the gradient of the penalised
    # log-likelihood is zero in the coefficients that were fitted (b = 0 in case 19 was refitted without)
    p, y = _data(*case)
    q = np.clip(p, 1e-3, 1 - 1e-3)
    rec = Recalibrator(method="beta").fit(p, y)
    a, b, c = (rec.params_[k] for k in "abc")
    cols = [np.log(q), -np.log1p(-q), np.ones_like(q)]
    resid = special.expit(c + a * cols[0] + b * cols[1]) - y
    ridge = [a / _BETA_C, b / _BETA_C, 0.0]
    fitted = [i for i, w in enumerate((a, b, 1.0)) if w != 0]
    for i in fitted:
        assert abs(cols[i] @ resid + ridge[i]) < 1e-10
    assert len(fitted) == (2 if case[0] == 19 else 3)


@pytest.mark.parametrize("case", CASES)
def test_beta_map_equals_the_scikit_learn_one_to_its_solver_tolerance(case):
    params, out = BETA_SKLEARN[case[0]]
    rec = Recalibrator(method="beta").fit(*_data(*case))
    for key, value in params.items():
        assert rec.params_[key] == pytest.approx(value, abs=2e-3), key
    np.testing.assert_allclose(rec.transform(GRID), out, rtol=0, atol=2e-4)
