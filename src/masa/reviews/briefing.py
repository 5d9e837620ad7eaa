"""The 7-minute briefing: one page a team can read together in seven minutes.

``draft(review)`` writes the first wording from the review's findings, recommendations and the
actions they led to, in seven short sections; the partnership edits it and approves it
(``services_learning.briefing_update``). Every text goes through
``confidentiality.redact(names_to_redact(review))`` when it is drafted, saved and shown, so no
child's or family member's name reaches a briefing even if a finding's text holds one.

Sections are plain text: a blank line starts a new paragraph, lines starting "- " make a bulleted
list and lines starting "1. " a numbered list (``blocks``), so the HTML page and the PDF are
built from headings, paragraphs and lists only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q

from masa.assurance.models import Action, ActionStatus
from masa.core.presenters import govuk_date
from masa.journey.chronology import render_pdf as _render_pdf

from .confidentiality import names_to_redact, redact
from .models import (
    Briefing,
    CaseReview,
    Finding,
    HarmOutcome,
    LearningTheme,
    Recommendation,
    ReviewDecision,
    ReviewStatus,
)


@dataclass(frozen=True)
class Section:
    number: int
    code: str
    heading: str
    hint: str


SECTIONS: tuple[Section, ...] = (
    Section(1, "what_happened", "What happened", "An anonymised summary of the case"),
    Section(2, "why_it_matters", "Why it matters", "The learning themes and why they recur"),
    Section(3, "what_we_found", "What we found", "The review's findings, in a sentence each"),
    Section(
        4,
        "for_practice",
        "What it means for practice",
        "What practitioners should do differently, from the recommendations",
    ),
    Section(
        5,
        "questions",
        "Questions for your team",
        "Questions for a team meeting or supervision",
    ),
    Section(6, "what_changed", "What has changed", "The actions taken and their progress"),
    Section(7, "further", "Further reading and training", "Where to learn more"),
)

# Reflective questions per learning theme (keyed by the starting taxonomy's names, lower case).
QUESTIONS: dict[str, str] = {
    "neglect": "How do we measure the cumulative impact of neglect on a child's day-to-day life?",
    "exploitation": "Which signs of exploitation outside the home would we notice, and act on?",
    "domestic abuse": "How do we find out about domestic abuse when the family does not tell us?",
    "information sharing": "Who else knows this family, and when did we last ask them?",
    "professional curiosity": "What are we accepting at face value that we should check?",
    "voice of the child": "What would this child say about their life, and how would we know?",
    "escalation": "When did we last escalate a disagreement, and what happened?",
    "intrafamilial sexual abuse": "How do we support a child who discloses and then retracts?",
    "adolescent risk": "What support is there for an adolescent whose needs cross services?",
    "mental health": "How does a parent's or young person's mental health change our plan?",
    "think family": "Which adults around this child are known to adults' services?",
    "parental substance misuse": "How do we check what a parent's drug or alcohol use means now?",
    "trauma and parenting capacity": "How does a parent's past trauma shape what they can do?",
    "learning difficulties": "Could an unrecognised learning need explain what we are seeing?",
    "disguised compliance": "What has actually changed for the child since the plan began?",
    "hidden men": "Who are the men in this child's life, and have we met them?",
    "supervision": "When did supervision last change the direction of a case?",
    "quality of plans": "Could the family tell us what the plan is and how we will know it worked?",
    "transitions between services": "What is lost when a family moves between services?",
    "safe sleep": "How do we adapt safer sleep advice to this family's circumstances?",
}
GENERAL_QUESTIONS = (
    "What in this briefing surprised you, and what would you do differently?",
    "What would make it hard to act on this learning in our team?",
    "What will we change, and how will we know it has made a difference for children?",
)

_DECISIONS: dict[str, str] = {
    ReviewDecision.LCSPR: "The partnership carried out a local child safeguarding practice review.",
    ReviewDecision.NATIONAL: "The national Child Safeguarding Practice Review Panel considered "
    "a national review.",
    ReviewDecision.OTHER_LEARNING: "The partnership carried out a learning review.",
    ReviewDecision.NO_FURTHER_REVIEW: "The partnership held a rapid review and found the learning "
    "could be taken forward without a further review.",
}


@dataclass(frozen=True)
class Draft:
    title: str
    sections: dict[str, str]


def _first_paragraph(text: str) -> str:
    return " ".join(re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0].split())


def _review_learning(
    review: CaseReview,
) -> tuple[Sequence[Finding], Sequence[Recommendation]]:
    findings = list(
        review.findings.filter(withdrawn_reason="").prefetch_related("themes").order_by("number")
    )
    recommendations = list(
        review.recommendations.filter(withdrawn_reason="")
        .prefetch_related(
            "themes",
            "agencies",
            Prefetch(
                "actions",
                queryset=_actions_queryset(),
                to_attr="briefing_actions",
            ),
        )
        .order_by("number")
    )
    return findings, recommendations


def _actions_queryset() -> Any:
    return Action.objects.exclude(status=ActionStatus.WITHDRAWN).select_related("owning_agency")


def _what_happened(review: CaseReview) -> str:
    outcome = "died" if review.harm_outcome == HarmOutcome.DIED else "was seriously harmed"
    when = review.incident_date.strftime("%B %Y")
    lines = [f"{review.anonymised_name} {outcome} in {when}."]
    if review.decision:
        lines.append(_DECISIONS.get(review.decision, ""))
    elif review.rapid_review_sent_on:
        lines.append("The partnership held a rapid review.")
    else:
        lines.append("The partnership is reviewing what happened.")
    return (
        " ".join(line for line in lines if line) + "\n\n" + _first_paragraph(review.referral_reason)
    )


def _why_it_matters(review: CaseReview, themes: list[LearningTheme]) -> str:
    if not themes:
        return (
            "The learning from this review applies across agencies: read what we found and "
            "talk about it as a team."
        )
    # How many of the partnership's other reviews share each theme: one query.
    elsewhere = dict(
        LearningTheme.objects.filter(pk__in=[t.pk for t in themes])
        .annotate(
            reviews=Count(
                "findings__review",
                filter=Q(findings__withdrawn_reason="")
                & ~Q(findings__review=review)
                & ~Q(findings__review__status=ReviewStatus.WITHDRAWN),
                distinct=True,
            )
        )
        .values_list("pk", "reviews")
    )
    lines = ["This review's learning is about:", ""]
    for theme in themes:
        others = elsewhere.get(theme.pk, 0)
        recur = (
            f" It has come up in {others} other review{'s' if others != 1 else ''} in the "
            "partnership."
            if others
            else ""
        )
        about = f": {theme.description.rstrip('.')}." if theme.description else "."
        lines.append(f"- {theme.name}{about}{recur}")
    return "\n".join(lines)


def _what_we_found(findings: Sequence[Finding]) -> str:
    return "\n".join(
        f"{number}. {finding.title.rstrip('.')}. {_first_paragraph(finding.detail)}"
        for number, finding in enumerate(findings, start=1)
    )


def _for_practice(recommendations: Sequence[Recommendation]) -> str:
    if not recommendations:
        return "The partnership is agreeing its recommendations from this review."
    lines = []
    for recommendation in recommendations:
        agencies = [agency.name for agency in recommendation.agencies.all()]
        who = f" (for {', '.join(agencies)})" if agencies else " (for every agency)"
        lines.append(f"- {_first_paragraph(recommendation.text).rstrip('.')}{who}.")
    return "\n".join(lines)


def _questions(themes: list[LearningTheme]) -> str:
    asked = [QUESTIONS[t.name.lower()] for t in themes if t.name.lower() in QUESTIONS][:4]
    for question in GENERAL_QUESTIONS:
        if len(asked) >= 5:
            break
        asked.append(question)
    return "\n".join(f"- {question}" for question in asked)


def _what_changed(recommendations: Sequence[Recommendation]) -> str:
    lines = []
    for recommendation in recommendations:
        for action in getattr(recommendation, "briefing_actions", []):
            done = action.completed_on or action.closed_on
            progress = (
                f"{action.get_status_display().lower()} on {govuk_date(done)}"
                if done
                else f"{action.get_status_display().lower()}, due {govuk_date(action.due_on)}"
            )
            lines.append(f"- {action.title} ({action.owning_agency.name}): {progress}.")
    if not lines:
        return (
            "The partnership is agreeing the actions from this review. Ask your safeguarding "
            "lead what has changed in your agency."
        )
    return "\n".join(lines)


def _further(review: CaseReview, themes: list[LearningTheme]) -> str:
    lines = [
        "- Working Together to Safeguard Children 2023, chapter 5: learning from serious child "
        "safeguarding incidents.",
        "- The Child Safeguarding Practice Review Panel's national reviews and annual reports.",
    ]
    if themes:
        names = ", ".join(theme.name.lower() for theme in themes[:4])
        lines.append(f"- The partnership's multi-agency training on {names}.")
    if review.publication_url:
        lines.append(f"- The published review: {review.publication_url}")
    lines.append("- Your agency's safeguarding policy and your safeguarding lead.")
    return "\n".join(lines)


def draft(review: CaseReview) -> Draft:
    """The first wording of a briefing for ``review``, with every name taken out."""
    findings, recommendations = _review_learning(review)
    themes: dict[int, LearningTheme] = {}
    for finding in findings:
        for theme in finding.themes.all():
            themes.setdefault(theme.pk, theme)
    for recommendation in recommendations:
        for theme in recommendation.themes.all():
            themes.setdefault(theme.pk, theme)
    ordered = sorted(themes.values(), key=lambda t: (t.order, t.name))
    sections = {
        "what_happened": _what_happened(review),
        "why_it_matters": _why_it_matters(review, ordered),
        "what_we_found": _what_we_found(findings),
        "for_practice": _for_practice(recommendations),
        "questions": _questions(ordered),
        "what_changed": _what_changed(recommendations),
        "further": _further(review, ordered),
    }
    pairs = names_to_redact(review)
    return Draft(
        title=redact(f"7-minute briefing: learning from {review.anonymised_name}", pairs),
        sections={code: redact(text, pairs) for code, text in sections.items()},
    )


# ---------------------------------------------------------------- showing a briefing


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "ul" or "ol"
    lines: list[str]


_NUMBERED = re.compile(r"^\d+[.)]\s+")


def blocks(text: str) -> list[Block]:
    """Paragraphs and lists from a section's plain text (see the module's docstring)."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            found.append(Block("ul", [line[2:].strip() for line in lines]))
        elif all(_NUMBERED.match(line) for line in lines):
            found.append(Block("ol", [_NUMBERED.sub("", line) for line in lines]))
        else:
            found.append(Block("p", lines))
    return found


@dataclass(frozen=True)
class ShownSection:
    section: Section
    blocks: list[Block]


@dataclass(frozen=True)
class ShownBriefing:
    title: str
    sections: list[ShownSection]


def shown(briefing: Briefing) -> ShownBriefing:
    """The briefing ready for a page or the PDF, names taken out once more (a name added to the
    review after the briefing was saved is caught here)."""
    pairs = names_to_redact(briefing.review)
    stored = briefing.sections or {}
    return ShownBriefing(
        title=redact(briefing.title, pairs),
        sections=[
            ShownSection(section, blocks(redact(str(stored.get(section.code, "")), pairs)))
            for section in SECTIONS
        ],
    )


def render_pdf(html: str) -> bytes:
    """A tagged PDF from the briefing's print template, loading nothing from outside (the same
    WeasyPrint set-up as the chronology's PDF)."""
    return _render_pdf(html)


def pdf_filename(briefing: Briefing) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", briefing.review.anonymised_name.lower()).strip("-")
    return f"7-minute-briefing-{name}-{briefing.pk}.pdf"
