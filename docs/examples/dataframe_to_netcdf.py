"""From a pandas DataFrame to a forecast, saved and reopened with plain xarray and with ArviZ.

Run from the repository root::

    python docs/examples/dataframe_to_netcdf.py [OUT_DIR]

It writes ``OUT_DIR/forecast.nc`` (a temporary folder by default) and prints the attainment
table, the units of every variable as the file stores them, and an ArviZ summary.
"""

import sys
import tempfile
from pathlib import Path

import pandas as pd
import xarray as xr

import longjiang_forecast as lf

catalog = lf.load_catalog(2024)

# 1. A long DataFrame, one row per indicator, region and month: the columns of a progress file.
#    Made-up reports for two targets: homes adapted for old age (09a, 15,000 households by
#    31 December) and gas pipes renovated (13a, 800 km by 31 October).
months = [f"2024-{m:02d}" for m in range(1, 9)]
frame = pd.DataFrame(
    {
        "indicator": ["09a"] * 8 + ["13a"] * 8,
        "region": "province",
        "month": months * 2,
        "value": [
            *[600, 1500, 2700, 4100, 5600, 7000, 8300, 9400],  # households, year to date
            *[0, 0, 40, 130, 260, 390, 500, 590],  # km, year to date
        ],
    }
)

# 2. The forecast takes the DataFrame as it takes a file: the same checks, the same errors
#    (naming the DataFrame's index instead of a spreadsheet row).
result = lf.forecast(frame, catalog, as_of="2024-08", n_draws=2000, seed=2024)
table = result.table()
print(
    table.loc[table["status"] != "no forecast", ["indicator", "unit", "target", "p_met", "median", "status"]]
)

# 3. Save it: one netCDF file, every variable with CF units and long_name, plus provenance.
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
path = result.to_netcdf(out / "forecast.nc", overwrite=True)
print(f"\nWrote {path}")

# 4. Reopen it with plain xarray: the root group is the summary ...
summary = xr.open_dataset(path, decode_times=False)
print(f"\nConventions: {summary.attrs['Conventions']}; data vintage {summary.attrs['data_vintage']}; "
      f"library {summary.attrs['library_version']}; seed {summary.attrs['seed_entropy']}")  # fmt: skip


def units_of(var: xr.DataArray) -> str:
    """The variable's units attribute, or the coordinate holding the unit of each series."""
    if "units" in var.attrs:
        return repr(var.attrs["units"])
    per_series = [
        c for c in var.encoding.get("coordinates", "").split() if c in ("value_units", "rate_units")
    ]
    return f"per series: {per_series[0]}" if per_series else "(none)"


for name, var in summary.variables.items():
    print(f"  {name:22} units={units_of(var):33} {var.attrs['long_name']}")
# Values in the series' own unit (households, km) have one unit per series, in the auxiliary
# coordinates value_units and rate_units that their 'coordinates' attribute names.
units = pd.DataFrame({k: summary[k].values for k in ("indicator", "region", "value_units", "rate_units")})
print("\nThe unit of each series with a forecast:")
print(units[(summary["status"] != "no forecast").values].to_string(index=False))
# ... and the paths are the posterior predictive group.
paths = xr.open_dataset(path, group="posterior_predictive")["progress"]
print(f"\npaths: dims {paths.dims}, units {units_of(paths)}")

# 5. ... and with ArviZ (installed with the 'bayes' extra).
try:
    import arviz as az
except ImportError:
    print("ArviZ is not installed: pip install 'longjiang_forecast[bayes]'")
else:
    idata = az.from_netcdf(path)
    print(f"\nArviZ groups: {idata.groups()}")
    hdi = az.hdi(idata.posterior_predictive, hdi_prob=0.8)["progress"].isel(month=-3)
    print("80 % HDI of the October value:")
    print(hdi.to_pandas())

# 6. The library reads the file back into the same Forecast.
back = lf.open_forecast(path)
assert back.table().equals(result.table())
