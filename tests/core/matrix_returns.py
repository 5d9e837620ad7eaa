"""Placeholders for the SSDA903 return rows of docs/permission-matrix.csv.

The data analyst (the only role that submits returns) has uploaded a small 2024/25 return: one
child's header and episode. Only its owner may open its findings and preview; anyone else gets
the 403 of a missing permission (or, for another analyst, the 404 of a missing upload).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from masa.care.import903 import upload_save
from masa.returns.cin.years import CollectionYear

from ..conftest import World

HEADER = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nM1,F,02/03/2014,WBRI,,0,\r\n"
EPISODES = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    b"PL_POST,URN\r\nM1,01/05/2024,S,C2,N1,U4,PR1,,,,NB1 2AB,NB2 3CD,\r\n"
)


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    upload = upload_save(
        actor=world.users["data_analyst"],
        year=CollectionYear(2025),
        team=world.la_team,
        files=[
            SimpleUploadedFile("header.csv", HEADER, "text/csv"),
            SimpleUploadedFile("episodes.csv", EPISODES, "text/csv"),
        ],
    )
    return {"{upload903}": upload.id}
