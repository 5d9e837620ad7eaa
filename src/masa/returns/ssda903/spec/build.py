"""Regenerate the SSDA903 field specification (``<year>.json``) from the yml files.

    .venv/bin/python -m masa.returns.ssda903.spec.build [SCHEMAS_DIR]

``SCHEMAS_DIR`` defaults to ``../shared/data/dfe-schemas`` beside the repository. The yml files
(Social Finance's liia-tools copies of the DfE field specifications, MIT) are only read here: the
JSON written beside this file is what masa ships and reads at run time.

Years are collection years named by the year they end: ``2025`` is 2024/25. liia-tools names
its files the same way (``SSDA903_schema_2024.yml`` adds the social worker table, first
collected in 2023/24). 2017/18 to 2023/24 come from ``ssda903_fields_liia_tools``; 2024/25 and
2025/26 apply the ``..._pipeline`` diffs for 2025 and 2026 to the 2023/24 file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
FIRST_YEAR = 2018
LAST_YEAR = 2026

# liia-tools table names (and the pipeline diffs' lower-case ones) -> the DfE/masa table name.
TABLE_NAMES = {
    "Header": "Header",
    "header": "Header",
    "Episodes": "Episodes",
    "episodes": "Episodes",
    "Reviews": "Reviews",
    "reviews": "Reviews",
    "UASC": "UASC",
    "uasc": "UASC",
    "OC2": "OC2",
    "oc2": "OC2",
    "OC3": "OC3",
    "oc3": "OC3",
    "AD1": "AD1",
    "ad1": "AD1",
    "PlacedAdoption": "PlacedAdoption",
    "placed_adoption": "PlacedAdoption",
    "PrevPerm": "PrevPerm",
    "prev_perm": "PrevPerm",
    "Missing": "Missing",
    "missing": "Missing",
    "SocialWorker": "SWEpisodes",
    "social_worker": "SWEpisodes",
}
TABLE_ORDER = (
    "Header",
    "Episodes",
    "Reviews",
    "UASC",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "PrevPerm",
    "Missing",
    "SWEpisodes",
)

# Where the DfE validator's code list for a rule differs from the field specification, the
# rule's list is kept here (rule 133 does not accept accommodation codes S1 and X1).
RULE_CODE_OVERRIDES: dict[str, dict[str, list[str]]] = {
    "OC3.ACCOM": {
        "exclude": ["S1", "X1"],
    }
}


def column_spec(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"blank": bool(raw.get("canbeblank", False))}
    if "date" in raw:
        out["type"] = "date"
    elif "category" in raw:
        out["type"] = "code"
        codes = []
        meanings: dict[str, str] = {}
        for item in raw["category"]:
            code = str(item["code"]).strip()
            codes.append(code)
            name = item.get("name")
            if isinstance(name, list):
                name = name[0]
            if isinstance(name, str) and name.strip():
                meanings[code] = name.strip()
        out["codes"] = codes
        if meanings:
            out["meanings"] = meanings
    elif "numeric" in raw:
        out["type"] = "integer"
    else:
        out["type"] = "text"
    return out


def load_yaml(path: Path) -> Any:
    import yaml  # only needed to regenerate

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def from_liia(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    for name, columns in data["column_map"].items():
        tables[TABLE_NAMES[name]] = {col: column_spec(raw) for col, raw in columns.items()}
    return tables


def apply_diff(tables: dict[str, dict[str, Any]], diff: dict[str, Any]) -> None:
    for key, change in diff.items():
        parts = key.split(".")
        assert parts[0] == "column_map", key
        table = TABLE_NAMES[parts[1]]
        if change["type"] == "add" and len(parts) == 2:
            tables[table] = {col: column_spec(raw) for col, raw in change["value"].items()}
            continue
        column, attribute = parts[2], parts[3]
        assert change["type"] == "modify" and attribute == "category", key
        blank = tables[table][column]["blank"]
        tables[table][column] = column_spec(
            {"category": change["value"], "canbeblank": blank},
        )


def year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[2:]}"


def build(schemas: Path) -> dict[int, dict[str, Any]]:
    liia = schemas / "ssda903_fields_liia_tools"
    pipeline = schemas / "ssda903_fields_liia_tools_pipeline"
    out: dict[int, dict[str, Any]] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if year <= 2024:
            source = f"ssda903_fields_liia_tools/SSDA903_schema_{year}.yml"
            tables = from_liia(load_yaml(liia / f"SSDA903_schema_{year}.yml"))
        else:
            tables = from_liia(load_yaml(liia / "SSDA903_schema_2024.yml"))
            diffs = [y for y in (2025, 2026) if y <= year]
            for y in diffs:
                apply_diff(tables, load_yaml(pipeline / f"SSDA903_schema_{y}.diff.yml"))
            source = "ssda903_fields_liia_tools/SSDA903_schema_2024.yml + " + " + ".join(
                f"ssda903_fields_liia_tools_pipeline/SSDA903_schema_{y}.diff.yml" for y in diffs
            )
        ordered = {name: {"columns": tables[name]} for name in TABLE_ORDER if name in tables}
        out[year] = {
            "year": year,
            "label": year_label(year),
            "source": source,
            "tables": ordered,
            "rule_codes": RULE_CODE_OVERRIDES,
        }
    return out


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[5]
    schemas = Path(argv[0]) if argv else root.parent / "shared" / "data" / "dfe-schemas"
    for year, spec in build(schemas).items():
        (HERE / f"{year}.json").write_text(render(spec), encoding="utf-8")
        print(f"wrote {year}.json ({spec['label']}): {', '.join(spec['tables'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
