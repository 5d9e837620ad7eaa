"""Reading the DfE's 903 XML (CLA.xsd) into the same tables, with hostile XML refused."""

from __future__ import annotations

from pathlib import Path

from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import read_return, validate

RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>C1</CHILDID><UPN>A123456789012</UPN><SEX>F</SEX><DOB>01/06/2008</DOB>
      <ETHNIC>WBRI</ETHNIC><UASC>1</UASC><DUC>01/06/2024</DUC>
      <AMISSING><MISSING>M</MISSING><MIS_START>01/06/2024</MIS_START></AMISSING>
      <AMISSING><MISSING>A</MISSING><MIS_START>05/06/2024</MIS_START><MIS_END>06/06/2024</MIS_END></AMISSING>
      <AREVIEW><REVIEW>01/07/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
      <MOTHER>0</MOTHER>
      <PERMANENCE><PREV_PERM>Z1</PREV_PERM></PERMANENCE>
      <OC2><IMMUNISATIONS>1</IMMUNISATIONS><TEETH_CHECK>1</TEETH_CHECK></OC2>
      <AD_PLACED><DATE_PLACED>01/05/2024</DATE_PLACED></AD_PLACED>
    </HEADER>
    <EPISODE>
      <DECOM>01/05/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
      <PL_POST>AB1 3CD</PL_POST><HOME_POST>AB1 2CD</HOME_POST><PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC>01/06/2024</DEC><REC>X1</REC><REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>
    </EPISODE>
    <EPISODE>
      <DECOM>01/06/2024</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>Q9</PL><DEC/><REC/>
      <SURPRISE>x</SURPRISE>
    </EPISODE>
    <SW_EPISODE><SW_ID>SW1</SW_ID><SW_DECOM>01/05/2024</SW_DECOM></SW_EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>C2</CHILDID><UPN>UN2</UPN><SEX>M</SEX><DOB>01/06/2004</DOB><ETHNIC>WBRI</ETHNIC>
      <UASC/><IN_TOUCH>YES</IN_TOUCH><ACTIV>F1</ACTIV><ACCOM>B1</ACCOM>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"""


def read(tmp_path: Path, text: str, year: int = 2025):  # type: ignore[no-untyped-def]
    path = tmp_path / "return.xml"
    path.write_text(text, encoding="utf-8")
    return read_return([path], CollectionYear(year))


def test_the_xml_fills_the_same_tables_as_the_csv_files(tmp_path: Path) -> None:
    result = read(tmp_path, RETURN)
    assert result.errors == []
    tables = result.data.tables
    assert {name: frame.height for name, frame in tables.items()} == {
        "Header": 2,
        "Episodes": 2,
        "Reviews": 1,
        "UASC": 1,
        "OC2": 1,
        "OC3": 1,
        "PlacedAdoption": 1,
        "PrevPerm": 1,
        "Missing": 2,
        "SWEpisodes": 1,
    }
    episode = tables["Episodes"].row(0, named=True)
    assert (episode["CHILD"], episode["PLACE"], episode["DEC"]) == ("C1", "U1", "01/06/2024")
    assert tables["Missing"]["MIS_END"].to_list() == [None, "06/06/2024"]
    assert tables["OC3"].row(0, named=True)["DOB"] == "01/06/2004"
    assert tables["UASC"].row(0, named=True)["DUC"] == "01/06/2024"


def test_elements_masa_does_not_know_are_noted_not_read(tmp_path: Path) -> None:
    notes = read(tmp_path, RETURN).data.notes
    assert notes == [
        "return.xml: 1 <EPISODE/SURPRISE> element(s) not part of the 2024/25 return; not read"
    ]


def test_xml_findings_name_the_row_in_each_table(tmp_path: Path) -> None:
    findings = validate(read(tmp_path, RETURN).data, codes={"146"}).findings
    assert [(f.child, f.table, f.row) for f in findings] == [("C1", "Episodes", 2)]


def test_social_worker_episodes_in_xml_before_2023_to_24_are_noted_not_read(tmp_path: Path) -> None:
    text = RETURN.replace("<SEX>F</SEX>", "<SEX>2</SEX>").replace("<SEX>M</SEX>", "<SEX>1</SEX>")
    result = read(tmp_path, text, year=2023)
    assert "SWEpisodes" not in result.data.tables
    assert any("<SWEpisodes>" in note for note in result.data.notes)


def test_external_entities_and_dtds_are_refused(tmp_path: Path) -> None:
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>"
    )
    [error] = read(tmp_path, hostile).errors
    assert "declares a DTD or entities, which masa refuses" in error.message


def test_an_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        "<EXPSSDA903>&lol2;</EXPSSDA903>"
    )
    [error] = read(tmp_path, bomb).errors
    assert "refuses" in error.message


def test_malformed_xml_and_the_wrong_root_are_clear_errors(tmp_path: Path) -> None:
    [error] = read(tmp_path, "<EXPSSDA903><CHILD>").errors
    assert error.message.startswith("is not well-formed XML")
    [error] = read(tmp_path, "<?xml version='1.0'?><Message/>").errors
    assert error.message == "is XML but its root element is Message, not EXPSSDA903"
