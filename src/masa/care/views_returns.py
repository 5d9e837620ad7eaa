"""The SSDA903 return pages (people who submit returns): export a year, upload a return, read
its findings, preview the import and confirm it.

Uploads are the user's own (``import903.upload_get``: anyone else's is a 404) and are read,
validated and planned once, when uploaded; the findings and preview pages show what was stored.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masa.core.access import requires
from masa.core.models import Team
from masa.core.permissions import Permission
from masa.core.services import ServiceError
from masa.core.views import add_service_error, page, user_of
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import Finding, label
from masa.returns.ssda903.report import to_csv, to_xlsx

from . import export903, import903
from .forms_returns import FindingsFilterForm, UploadForm, YearForm, default_year

FINDINGS_SHOWN = 500
PREVIEW_SHOWN = 500


def _upload_form(request: HttpRequest, data: Any = None, files: Any = None) -> UploadForm:
    user = user_of(request)
    return UploadForm(
        data,
        files,
        teams=import903.import_teams(user.partnership_id),
        initial={"year": default_year(timezone.localdate())},
    )


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    import903.uploads_purge()
    form = YearForm(request.GET or None, initial={"year": default_year(timezone.localdate())})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    year = year or default_year(timezone.localdate())
    return page(
        request,
        "care/returns/index.html",
        "SSDA903 return",
        form=form,
        year=year,
        uploads=import903.uploads_of(user),
        ssda903_label=label,
    )


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903_export(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = YearForm(request.GET)
    if not form.is_valid() or request.GET.get("form") not in ("csv", "xml"):
        messages.error(request, "Choose a collection year and CSV files or XML to export")
        return redirect("care:returns903")
    assert user.agency is not None
    export = export903.return_exported(
        partnership=user.agency.partnership,
        year=form.cleaned_data["year"],
        form=request.GET["form"],
        actor=user,
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@requires(Permission.SUBMIT_RETURNS)
@require_http_methods(["GET", "POST"])
def returns903_upload(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        form = _upload_form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = import903.upload_save(
                    actor=user,
                    year=CollectionYear(form.cleaned_data["year"]),
                    team=form.cleaned_data["team"],
                    files=form.cleaned_data["uploads"],
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                return redirect("care:returns903-findings", upload_id=upload.id)
    else:
        form = _upload_form(request)
    return page(request, "care/returns/upload.html", "Upload an SSDA903 return", form=form)


def _filtered(
    request: HttpRequest, upload: import903.Upload
) -> tuple[FindingsFilterForm, list[Finding], list[Finding]]:
    """The upload's findings, and those the filters (table, rule, child) choose."""
    every = upload.findings()
    form = FindingsFilterForm(
        request.GET or None,
        tables=sorted({f.table for f in every}),
        rules=sorted({f.code for f in every}, key=lambda code: (code.startswith("MASA"), code)),
    )
    chosen = every
    if form.is_bound and form.is_valid():
        table, rule, child = (form.cleaned_data[k] for k in ("table", "rule", "child"))
        chosen = [
            f
            for f in every
            if (not table or f.table == table)
            and (not rule or f.code == rule)
            and (not child or (f.child or "") == child.strip())
        ]
    return form, every, chosen


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903_findings(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = import903.upload_get(user_of(request), upload_id)
    form, every, chosen = _filtered(request, upload)
    return page(
        request,
        "care/returns/findings.html",
        f"Findings in the {label(upload.year.year)} return",
        form=form,
        upload=upload,
        findings=chosen[:FINDINGS_SHOWN],
        shown=FINDINGS_SHOWN,
        total=len(chosen),
        every=len(every),
        children=len({f.child for f in chosen if f.child}),
        query=request.GET.urlencode(),
        preview=upload.preview(),
    )


def _download(
    upload: import903.Upload, content: bytes, suffix: str, content_type: str
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"ssda903-{label(upload.year.year).replace('/', '-')}-findings.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903_findings_csv(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = import903.upload_get(user_of(request), upload_id)
    _, _, chosen = _filtered(request, upload)
    return _download(upload, to_csv(chosen).encode("utf-8"), "csv", "text/csv; charset=utf-8")


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903_findings_xlsx(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = import903.upload_get(user_of(request), upload_id)
    _, _, chosen = _filtered(request, upload)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.xlsx"
        to_xlsx(chosen, path)
        content = path.read_bytes()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(upload, content, "xlsx", xlsx)


@requires(Permission.SUBMIT_RETURNS)
@require_GET
def returns903_preview(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = import903.upload_get(user_of(request), upload_id)
    preview = upload.preview()
    for child in preview["create"]:
        born = child["date_of_birth"]
        child["born"] = dt.date.fromisoformat(born) if born else None
    team = Team.objects.filter(pk=upload.meta["team"]).first()
    return page(
        request,
        "care/returns/preview.html",
        f"Import the {preview['label']} return",
        upload=upload,
        preview=preview,
        team=team,
        shown=PREVIEW_SHOWN,
    )


@requires(Permission.SUBMIT_RETURNS)
@require_POST
def returns903_confirm(request: HttpRequest, upload_id: str) -> HttpResponse:
    user = user_of(request)
    try:
        result = import903.upload_confirm(actor=user, upload_id=upload_id)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("care:returns903-preview", upload_id=upload_id)
    summary = result.summary
    messages.success(
        request,
        f"The {summary['label']} return is imported: {len(summary['create'])} children created, "
        f"{len(summary['update'])} updated, {len(summary['unchanged'])} unchanged, "
        f"{len(summary['refused'])} refused",
    )
    return redirect("care:returns903")
