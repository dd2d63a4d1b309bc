"""The shipped scenarios on a user's own catalogue: tags explained, a catalogue with them, a clear stop."""

from pathlib import Path

import pytest

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.catalog import load_catalog, write_catalog
from longjiang_forecast.cli import main
from longjiang_forecast.scenarios import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

USER_CATALOGUE = (
    "indicator,kind,unit,target,comparator,deadline,region,name_zh\n"
    "homes,cumulative,户,5200,>=,2024-12-31,province,适老化改造\n"
    "roads,cumulative,公里,800,>=,2024-10-31,province,农村公路\n"
)


def test_a_scenario_whose_tags_the_catalogue_lacks_says_so_by_name(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(USER_CATALOGUE, encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_scenario(SCENARIOS / "early-winter.toml", catalog=load_catalog(path))
    text = str(err.value)
    assert "'effects[0].tags' names unknown tags ['outdoor']: no indicator of the catalogue" in text
    assert "it has no tags" in text and "scenario 'early-winter' would change nothing" in text
    assert "template --catalog-out my_catalog.csv" in text and "known: []" not in text


def test_tags_select_any_of_them_so_one_missing_tag_is_a_warning_not_a_stop(tmp_path):
    """funding-delay selects `construction` or `heating`: a catalogue without heating rows still runs it."""
    path = tmp_path / "catalogue.csv"
    path.write_text(
        USER_CATALOGUE.replace("name_zh\n", "name_zh,tags\n")
        .replace("适老化改造\n", "适老化改造,construction\n")
        .replace("农村公路\n", "农村公路,construction;outdoor\n"),
        encoding="utf-8",
    )
    with pytest.warns(
        UserWarning, match=r"carries \['heating'\]; the effect applies to those tagged \['construction'\]"
    ):
        scenario = load_scenario(SCENARIOS / "funding-delay.toml", catalog=load_catalog(path))
    assert scenario.effects[0].tags == ("construction", "heating")


def test_the_command_stops_before_any_fit_with_status_2(tmp_path, capsys):
    path = tmp_path / "catalogue.csv"
    path.write_text(USER_CATALOGUE, encoding="utf-8")
    scenario = str(SCENARIOS / "early-winter.toml")
    argv = ["--catalog", str(path), "--draws", "100", "--out", str(tmp_path / "out")]
    assert main(["forecast", *argv, "--scenario", scenario]) == 2
    assert "scenario 'early-winter' would change nothing" in capsys.readouterr().err
    assert main(["scenarios", *argv, scenario]) == 2
    err = capsys.readouterr().err
    assert "scenario 'early-winter' would change nothing" in err and "Forecasting" not in err


def test_template_writes_the_catalogue_with_its_standard_tags(tmp_path, capsys):
    out = tmp_path / "my_catalog.csv"
    assert main(["template", "--catalog-out", str(out), "--lang", "en"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-friendly, like the other tables
    written = load_catalog(out)
    assert written.table.equals(load_catalog(2024).table)
    assert load_scenario(SCENARIOS / "stress.toml", catalog=written).name == "stress"  # its tags are there
    said = " ".join(capsys.readouterr().out.split())
    assert f"to {out}, with tags on 49 of its 49 indicators." in said
    assert main(["template", "--catalog-out", str(out)]) == 2  # never overwritten
    assert "nothing was overwritten" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"written as \.csv or \.xlsx"):
        write_catalog(written, tmp_path / "catalog.txt")


def test_template_says_when_the_catalogue_it_writes_has_no_tags(tmp_path, capsys):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,name_en\n"
        "homes,cumulative,households,5200,>=,2024-12-31,province,Homes adapted\n",
        encoding="utf-8",
    )
    out = tmp_path / "copy.csv"
    assert main(["template", "--catalog", str(mine), "--catalog-out", str(out), "--lang", "en"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"to {out}, without tags (it has none;" in said and "with its tags" not in said
    assert load_catalog(out).table["indicator"].tolist() == ["homes"]
