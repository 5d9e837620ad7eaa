"""Writes for the learning from case reviews: the partnership's learning themes, each review's
findings and recommendations, and its 7-minute briefings.

Each function checks the actor may make the change, validates, writes inside one transaction and
appends the audit record. Nothing is deleted: a theme is retired, a finding or recommendation is
withdrawn with a reason, a briefing is approved and then kept as approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AuditAction, Partnership, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError
from masa.journey.services import check_version

from . import briefing as briefing_text
from .confidentiality import names_to_redact, redact, sees_names
from .models import (
    Briefing,
    CaseReview,
    Finding,
    LearningTheme,
    Recommendation,
    ReviewStatus,
)

THEME = "learning_theme"
FINDING = "review_finding"
RECOMMENDATION = "review_recommendation"
BRIEFING = "review_briefing"


def _today() -> dt.date:
    return timezone.localdate()


def _check_manager(actor: User, partnership_id: int) -> None:
    if (
        not partnership_id
        or actor.partnership_id != partnership_id
        or not actor.has_masa_permission(Permission.MANAGE_CASE_REVIEWS)
    ):
        raise ServiceError("Only the partnership's business unit can change the learning")


# ---------------------------------------------------------------- learning themes

# The starting taxonomy: the themes issue 7 names, then those the Wigan reports found recurring
# (2023-24 learning themes; the 2017/18 thematic analysis of serious case reviews).
DEFAULT_THEMES: tuple[tuple[str, str], ...] = (
    ("Neglect", "Recognising and responding to neglect, including its cumulative impact."),
    ("Exploitation", "Child sexual and criminal exploitation and other extra-familial harm."),
    ("Domestic abuse", "Domestic abuse in the household and its impact on the child."),
    ("Information sharing", "Sharing what each agency knows, in time, across agencies."),
    (
        "Professional curiosity",
        "Asking, checking and challenging rather than accepting what is presented.",
    ),
    ("Voice of the child", "Hearing the child and understanding their lived experience."),
    ("Escalation", "Escalating concerns and resolving professional differences."),
    ("Intrafamilial sexual abuse", "Sexual abuse within the family, disclosure and retraction."),
    ("Adolescent risk", "Wrap-around support for adolescents with complex needs."),
    ("Mental health", "The mental health of the young person or of the parent or carer."),
    ("Think family", "Working with the whole family, across children's and adults' services."),
    ("Parental substance misuse", "Drug and alcohol use by parents or carers."),
    ("Trauma and parenting capacity", "The impact of past trauma on parenting capacity."),
    ("Learning difficulties", "Unrecognised learning needs of the young person or parent."),
    ("Disguised compliance", "Apparent co-operation that does not lead to change."),
    (
        "Hidden men",
        "The role of fathers and male partners, and their participation in plans.",
    ),
    ("Supervision", "Reflective supervision and management oversight of complex cases."),
    ("Quality of plans", "Plans that are specific, measurable and involve the family."),
    (
        "Transitions between services",
        "Step up and step down, and moving from children's to adults' services.",
    ),
    ("Safe sleep", "Safer sleeping advice for babies, adapted to each family."),
    ("Elective home education", "Children educated at home and out of sight of services."),
    ("Special guardianship support", "Support for those caring for children as special guardians."),
    ("Cross-border working", "Working with agencies in other areas, including health and police."),
)


def _theme_label(theme: LearningTheme) -> str:
    return f"Learning theme: {theme.name}"


def _clean_theme_name(partnership_id: int, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Enter the name of the theme", "name")
    if len(name) > 80:
        raise ServiceError("The name of the theme must be 80 characters or fewer", "name")
    clash = LearningTheme.objects.filter(partnership_id=partnership_id, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    existing = clash.first()
    if existing is not None:
        retired = " (it is retired: reinstate it instead)" if existing.retired_on else ""
        raise ServiceError(f"There is already a theme called ‘{existing.name}’{retired}", "name")
    return name


def _next_order(partnership_id: int) -> int:
    top = LearningTheme.objects.filter(partnership_id=partnership_id).aggregate(top=Max("order"))[
        "top"
    ]
    return (top or 0) + 1


def theme_defaults(partnership: Partnership, actor: User | None = None) -> list[LearningTheme]:
    """Add the starting taxonomy's themes the partnership does not have yet (by name, ignoring
    case); themes it already has, including retired ones, are left as they are."""
    if actor is not None:
        _check_manager(actor, partnership.pk)
    with transaction.atomic():
        have = {
            name.lower()
            for name in LearningTheme.objects.select_for_update()
            .filter(partnership=partnership)
            .values_list("name", flat=True)
        }
        order = _next_order(partnership.pk)
        added = []
        for name, description in DEFAULT_THEMES:
            if name.lower() in have:
                continue
            added.append(
                LearningTheme.objects.create(
                    partnership=partnership, name=name, description=description, order=order
                )
            )
            order += 1
        if added:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type=THEME,
                object_label="The starting list of learning themes",
                after={"added": [theme.name for theme in added]},
                actor_label="" if actor else "masa",
            )
    return added


def theme_add(*, actor: User, name: str, description: str = "") -> LearningTheme:
    partnership_id = actor.partnership_id
    _check_manager(actor, partnership_id)
    with transaction.atomic():
        name = _clean_theme_name(partnership_id, name)
        theme = LearningTheme.objects.create(
            partnership_id=partnership_id,
            name=name,
            description=description.strip(),
            order=_next_order(partnership_id),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=THEME,
            object_id=theme.pk,
            object_label=_theme_label(theme),
            after={"name": theme.name, "description": theme.description},
        )
    return theme


def theme_update(
    *, actor: User, theme: LearningTheme, name: str, description: str
) -> LearningTheme:
    """Rename or describe a theme. Findings tagged with it keep it, under its new name."""
    _check_manager(actor, theme.partnership_id)
    with transaction.atomic():
        name = _clean_theme_name(theme.partnership_id, name, exclude=theme.pk)
        before = audit.snapshot(theme, ["name", "description"])
        theme.name = name
        theme.description = description.strip()
        theme.save(update_fields=["name", "description"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=THEME,
            object_id=theme.pk,
            object_label=_theme_label(theme),
            before=before,
            after=audit.snapshot(theme, ["name", "description"]),
        )
    return theme


def theme_move(*, actor: User, theme: LearningTheme, direction: str) -> None:
    """Swap a theme with the one above or below it in the list."""
    _check_manager(actor, theme.partnership_id)
    if direction not in {"up", "down"}:
        raise ServiceError("Choose to move the theme up or down")
    with transaction.atomic():
        themes = list(
            LearningTheme.objects.select_for_update()
            .filter(partnership_id=theme.partnership_id)
            .order_by("order", "name", "pk")
        )
        index = next(i for i, t in enumerate(themes) if t.pk == theme.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(themes):
            return  # already first or last: nothing to do
        themes[index], themes[other] = themes[other], themes[index]
        # Renumber the whole list so ties left by earlier versions cannot stick.
        for position, item in enumerate(themes, start=1):
            if item.order != position:
                LearningTheme.objects.filter(pk=item.pk).update(order=position)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=THEME,
            object_id=theme.pk,
            object_label=_theme_label(theme),
            after={"moved": direction, "position": other + 1},
        )


def theme_retire(*, actor: User, theme: LearningTheme) -> LearningTheme:
    """Retire a theme: it stays on the findings and recommendations that have it, and in the
    thematic analysis, but cannot be chosen for new ones."""
    _check_manager(actor, theme.partnership_id)
    if theme.retired_on:
        raise ServiceError(f"‘{theme.name}’ was already retired on {govuk_date(theme.retired_on)}")
    with transaction.atomic():
        theme.retired_on = _today()
        theme.save(update_fields=["retired_on"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=THEME,
            object_id=theme.pk,
            object_label=_theme_label(theme),
            before={"retired_on": None},
            after={"retired_on": theme.retired_on.isoformat()},
        )
    return theme


def theme_reinstate(*, actor: User, theme: LearningTheme) -> LearningTheme:
    _check_manager(actor, theme.partnership_id)
    if not theme.retired_on:
        raise ServiceError(f"‘{theme.name}’ is in use: it is not retired")
    with transaction.atomic():
        before = {"retired_on": theme.retired_on.isoformat()}
        theme.retired_on = None
        theme.save(update_fields=["retired_on"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=THEME,
            object_id=theme.pk,
            object_label=_theme_label(theme),
            before=before,
            after={"retired_on": None},
        )
    return theme


def _check_themes(
    partnership_id: int, themes: Iterable[LearningTheme], *, already: set[int], field: str
) -> list[LearningTheme]:
    """Themes of this partnership; a retired one only if the record already had it."""
    chosen = list(themes)
    for theme in chosen:
        if theme.partnership_id != partnership_id:
            raise ServiceError("Choose themes from this partnership's list", field)
        if theme.retired_on and theme.pk not in already:
            raise ServiceError(
                f"‘{theme.name}’ was retired on {govuk_date(theme.retired_on)} and cannot be "
                "chosen for new learning",
                field,
            )
    return chosen


# ---------------------------------------------------------------- findings


def _check_open(review: CaseReview) -> None:
    if review.status == ReviewStatus.WITHDRAWN:
        raise ServiceError(
            f"{review.anonymised_name}’s review was withdrawn: its learning cannot change"
        )


def _lock(review: CaseReview) -> CaseReview:
    """Lock the review row, so two people adding at once get numbers 1 and 2, not 1 and 1."""
    return CaseReview.objects.select_for_update().get(pk=review.pk)


def _finding_label(finding: Finding) -> str:
    return f"{finding.review.anonymised_name}: finding {finding.number}"


def _finding_snapshot(finding: Finding) -> dict[str, object]:
    return {
        "title": finding.title,
        "detail": finding.detail,
        "themes": sorted(finding.themes.values_list("pk", flat=True)),
    }


def _clean_finding(title: str, detail: str) -> tuple[str, str]:
    title, detail = title.strip(), detail.strip()
    if not title:
        raise ServiceError("Enter a short title for the finding", "title")
    if len(title) > 200:
        raise ServiceError("The title of the finding must be 200 characters or fewer", "title")
    if not detail:
        raise ServiceError("Enter what the review found", "detail")
    return title, detail


def finding_add(
    *,
    actor: User,
    review: CaseReview,
    title: str,
    detail: str,
    themes: Iterable[LearningTheme] = (),
) -> Finding:
    """Add a finding, numbered after the review's last one (withdrawn ones keep their number)."""
    _check_manager(actor, review.partnership_id)
    _check_open(review)
    title, detail = _clean_finding(title, detail)
    chosen = _check_themes(review.partnership_id, themes, already=set(), field="themes")
    with transaction.atomic():
        _lock(review)
        number = (review.findings.aggregate(top=Max("number"))["top"] or 0) + 1
        finding = Finding.objects.create(
            review=review, number=number, title=title, detail=detail, recorded_by=actor
        )
        finding.themes.set(chosen)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=FINDING,
            object_id=finding.pk,
            object_label=_finding_label(finding),
            after=_finding_snapshot(finding),
        )
    return finding


def _keep_wording_hidden_from(actor: User, review: CaseReview, stored: str, sent: str) -> str:
    """Someone outside the review group edits text they saw with names taken out: unchanged,
    the stored wording (with the names) is kept; changed, it is refused, because saving the
    redacted words would lose what the review group wrote."""
    if sees_names(actor, review):
        return sent
    if sent.strip() == redact(stored, names_to_redact(review)).strip():
        return stored
    raise ServiceError(
        f"Only {review.anonymised_name}'s review group can change this wording: you see it with "
        "names taken out, and saving it would lose them. You can still change the themes.",
        "detail",
    )


def finding_update(
    *,
    actor: User,
    finding: Finding,
    title: str,
    detail: str,
    themes: Iterable[LearningTheme],
    version: int | None,
) -> Finding:
    review = finding.review
    _check_manager(actor, review.partnership_id)
    _check_open(review)
    if finding.withdrawn_reason:
        raise ServiceError(f"Finding {finding.number} was withdrawn: it cannot be changed")
    title = _keep_wording_hidden_from(actor, review, finding.title, title)
    detail = _keep_wording_hidden_from(actor, review, finding.detail, detail)
    title, detail = _clean_finding(title, detail)
    already = set(finding.themes.values_list("pk", flat=True))
    chosen = _check_themes(review.partnership_id, themes, already=already, field="themes")
    with transaction.atomic():
        check_version(Finding, finding.pk, version)
        before = _finding_snapshot(finding)
        Finding.objects.filter(pk=finding.pk).update(title=title, detail=detail)
        finding.refresh_from_db()
        finding.themes.set(chosen)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=FINDING,
            object_id=finding.pk,
            object_label=_finding_label(finding),
            before=before,
            after=_finding_snapshot(finding),
        )
    return finding


def finding_withdraw(*, actor: User, finding: Finding, reason: str, version: int | None) -> Finding:
    """Withdraw a finding (kept, with its number, marked withdrawn and why)."""
    _check_manager(actor, finding.review.partnership_id)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter why the finding is being withdrawn", "reason")
    if finding.withdrawn_reason:
        raise ServiceError(f"Finding {finding.number} has already been withdrawn")
    with transaction.atomic():
        check_version(Finding, finding.pk, version)
        Finding.objects.filter(pk=finding.pk).update(withdrawn_reason=reason)
        finding.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=FINDING,
            object_id=finding.pk,
            object_label=_finding_label(finding),
            after={"withdrawn_reason": reason},
            reason=reason,
        )
    return finding


# ---------------------------------------------------------------- recommendations


def _recommendation_label(recommendation: Recommendation) -> str:
    return f"{recommendation.review.anonymised_name}: recommendation {recommendation.number}"


def _recommendation_snapshot(recommendation: Recommendation) -> dict[str, object]:
    return {
        "text": recommendation.text,
        "finding": recommendation.finding_id,
        "themes": sorted(recommendation.themes.values_list("pk", flat=True)),
        "agencies": sorted(recommendation.agencies.values_list("pk", flat=True)),
    }


def _check_recommendation(
    review: CaseReview,
    text: str,
    finding: Finding | None,
    agencies: Iterable[Agency],
    *,
    current_finding_id: int | None = None,
) -> tuple[str, list[Agency]]:
    text = text.strip()
    if not text:
        raise ServiceError("Enter the recommendation", "text")
    if finding is not None:
        if finding.review_id != review.pk:
            raise ServiceError("Choose a finding from this review", "finding")
        if finding.withdrawn_reason and finding.pk != current_finding_id:
            raise ServiceError(
                f"Finding {finding.number} was withdrawn: choose another finding or none",
                "finding",
            )
    chosen = list(agencies)
    if any(agency.partnership_id != review.partnership_id for agency in chosen):
        raise ServiceError("Choose agencies in this partnership", "agencies")
    return text, chosen


def recommendation_add(
    *,
    actor: User,
    review: CaseReview,
    text: str,
    finding: Finding | None = None,
    themes: Iterable[LearningTheme] = (),
    agencies: Iterable[Agency] = (),
) -> Recommendation:
    _check_manager(actor, review.partnership_id)
    _check_open(review)
    text, chosen_agencies = _check_recommendation(review, text, finding, agencies)
    chosen = _check_themes(review.partnership_id, themes, already=set(), field="themes")
    with transaction.atomic():
        _lock(review)
        number = (review.recommendations.aggregate(top=Max("number"))["top"] or 0) + 1
        recommendation = Recommendation.objects.create(
            review=review, number=number, text=text, finding=finding, recorded_by=actor
        )
        recommendation.themes.set(chosen)
        recommendation.agencies.set(chosen_agencies)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=RECOMMENDATION,
            object_id=recommendation.pk,
            object_label=_recommendation_label(recommendation),
            after=_recommendation_snapshot(recommendation),
        )
    return recommendation


def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    text: str,
    finding: Finding | None,
    themes: Iterable[LearningTheme],
    agencies: Iterable[Agency],
    version: int | None,
) -> Recommendation:
    review = recommendation.review
    _check_manager(actor, review.partnership_id)
    _check_open(review)
    if recommendation.withdrawn_reason:
        raise ServiceError(
            f"Recommendation {recommendation.number} was withdrawn: it cannot be changed"
        )
    text = _keep_wording_hidden_from(actor, review, recommendation.text, text)
    text, chosen_agencies = _check_recommendation(
        review, text, finding, agencies, current_finding_id=recommendation.finding_id
    )
    already = set(recommendation.themes.values_list("pk", flat=True))
    chosen = _check_themes(review.partnership_id, themes, already=already, field="themes")
    with transaction.atomic():
        check_version(Recommendation, recommendation.pk, version)
        before = _recommendation_snapshot(recommendation)
        Recommendation.objects.filter(pk=recommendation.pk).update(text=text, finding=finding)
        recommendation.refresh_from_db()
        recommendation.themes.set(chosen)
        recommendation.agencies.set(chosen_agencies)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=RECOMMENDATION,
            object_id=recommendation.pk,
            object_label=_recommendation_label(recommendation),
            before=before,
            after=_recommendation_snapshot(recommendation),
        )
    return recommendation


def recommendation_withdraw(
    *, actor: User, recommendation: Recommendation, reason: str, version: int | None
) -> Recommendation:
    _check_manager(actor, recommendation.review.partnership_id)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter why the recommendation is being withdrawn", "reason")
    if recommendation.withdrawn_reason:
        raise ServiceError(f"Recommendation {recommendation.number} has already been withdrawn")
    with transaction.atomic():
        check_version(Recommendation, recommendation.pk, version)
        Recommendation.objects.filter(pk=recommendation.pk).update(withdrawn_reason=reason)
        recommendation.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=RECOMMENDATION,
            object_id=recommendation.pk,
            object_label=_recommendation_label(recommendation),
            after={"withdrawn_reason": reason},
            reason=reason,
        )
    return recommendation


# ---------------------------------------------------------------- 7-minute briefings


def _briefing_label(briefing: Briefing) -> str:
    return f"{briefing.review.anonymised_name}: 7-minute briefing {briefing.pk}"


def briefing_generate(*, actor: User, review: CaseReview) -> Briefing:
    """A draft briefing from the review's findings and recommendations, names taken out."""
    _check_manager(actor, review.partnership_id)
    _check_open(review)
    if not review.findings.filter(withdrawn_reason="").exists():
        raise ServiceError(
            f"Add at least one finding to {review.anonymised_name}’s review before generating "
            "a briefing"
        )
    draft = briefing_text.draft(review)
    with transaction.atomic():
        briefing = Briefing.objects.create(
            review=review, title=draft.title, sections=draft.sections, created_by=actor
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=BRIEFING,
            object_id=briefing.pk,
            object_label=_briefing_label(briefing),
            after={"title": briefing.title},
        )
    return briefing


@dataclass(frozen=True)
class BriefingSaved:
    briefing: Briefing
    # Headings of the sections where names were replaced by anonymised ones on saving.
    redacted: list[str]


def briefing_update(
    *,
    actor: User,
    briefing: Briefing,
    title: str,
    sections: Mapping[str, str],
    version: int | None,
    approve: bool = False,
) -> BriefingSaved:
    """Save the partnership's wording (names are taken out again) and, if asked, approve it.
    An approved briefing is what was shared: it is not changed afterwards."""
    review = briefing.review
    _check_manager(actor, review.partnership_id)
    if briefing.approved_on:
        raise ServiceError(
            f"This briefing was approved on {govuk_date(briefing.approved_on)} and may have been "
            "shared: generate a new draft to change it"
        )
    title = " ".join(title.split())
    if not title:
        raise ServiceError("Enter the title of the briefing", "title")
    pairs = names_to_redact(review)
    redacted: list[str] = []
    clean_title = redact(title, pairs)
    if clean_title != title:
        redacted.append("Title")
    clean: dict[str, str] = {}
    for section in briefing_text.SECTIONS:
        text = sections.get(section.code, "").strip()
        if approve and not text:
            raise ServiceError(
                f"Write section {section.number}, ‘{section.heading}’, before approving",
                section.code,
            )
        clean[section.code] = redact(text, pairs)
        if clean[section.code] != text:
            redacted.append(section.heading)
    with transaction.atomic():
        check_version(Briefing, briefing.pk, version)
        before = {"title": briefing.title, "sections": briefing.sections}
        changes: dict[str, object] = {"title": clean_title, "sections": clean}
        if approve:
            changes.update(approved_by=actor, approved_on=_today())
        Briefing.objects.filter(pk=briefing.pk).update(**changes)
        briefing.refresh_from_db()
        after: dict[str, object] = {"title": briefing.title, "sections": briefing.sections}
        if approve:
            after["approved_on"] = _today().isoformat()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=BRIEFING,
            object_id=briefing.pk,
            object_label=_briefing_label(briefing),
            before=before,
            after=after,
        )
    return BriefingSaved(briefing, redacted)


def briefing_exported(*, actor: User, briefing: Briefing) -> None:
    """Audit a PDF of the briefing leaving masa."""
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=BRIEFING,
        object_id=briefing.pk,
        object_label=f"{_briefing_label(briefing)} (PDF)",
    )
