"""The independent scrutineer sees reviews by their anonymised names only, everywhere.

Loads the small demo (reviews, findings, briefings and actions linked to real demo children),
signs in as the scrutineer and follows every same-site link from the home page (GET only, not
sign-out, each path and query once, up to MAX_PAGES), CSV downloads included. No page or CSV may
hold the first or last name of a child linked to a review, nor the full name of any demo child.
PDFs are counted but not read: their text is compressed, and each is rendered from an HTML page
the crawl reads.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from masa.core.models import User
from masa.demo.generator import DEFAULT_SEED, generate
from masa.people.models import Child
from masa.reviews.models import CaseReview, ReviewChild

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
SKIPPED = re.compile(r"/(static|media)/|sign-?out|log-?out", re.IGNORECASE)
READABLE = ("text/html", "text/csv", "text/plain", "application/json")


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # path+query -> status
    kinds: Counter[str] = field(default_factory=Counter)  # content type of each page read
    texts: dict[str, str] = field(default_factory=dict)  # path+query -> readable text
    errors: dict[str, str] = field(default_factory=dict)  # path+query -> exception
    capped: bool = False

    def reached(self, path: str) -> bool:
        return self.pages.get(path) == 200

    def paths(self) -> list[str]:
        return [url for url, status in self.pages.items() if status == 200]


def crawl(client: Client, starts: list[str], found: Crawl | None = None) -> Crawl:
    """Breadth first from ``starts``; pages already in ``found`` are not fetched again."""
    found = found or Crawl()
    seen = set(found.pages) | set(starts)
    queue: deque[str] = deque(start for start in starts if start not in found.pages)
    while queue:
        if len(found.pages) >= MAX_PAGES:
            found.capped = True
            break
        url = queue.popleft()
        try:
            response = client.get(url)
        except Exception as error:  # a server error: recorded, and the test fails on it
            found.pages[url] = 500
            found.errors[url] = f"{type(error).__name__}: {error}"
            continue
        found.pages[url] = response.status_code
        links: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            links.append(response["Location"])
        elif response.status_code == 200:
            kind = response.get("Content-Type", "").split(";")[0].strip()
            found.kinds[kind] += 1
            if kind in READABLE:
                streamed = getattr(response, "streaming_content", None)
                body = b"".join(streamed) if response.streaming and streamed else response.content
                text = body.decode(response.charset or "utf-8", errors="replace")
                found.texts[url] = html.unescape(text)
                if kind == "text/html":
                    links += HREF.findall(text)
        for link in links:
            target = same_site(url, html.unescape(link))
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    return found


def same_site(base: str, link: str) -> str | None:
    """The path and query of a link on this site, or None for anything else."""
    link, _ = urldefrag(urljoin(base, link))
    parts = urlsplit(link)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or SKIPPED.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def route(name: str, **kwargs: int) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def name_pattern(names: set[str]) -> re.Pattern[str]:
    """Any of the names as a whole word, case as written (names are proper nouns)."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


def plant_names(review: CaseReview) -> None:
    """Write the child's name into the review's own texts, as a practitioner might: what the
    scrutineer reads of them must still show the anonymised name only."""
    child = review.children.select_related("child").get().child
    name = f"{child.first_name} {child.last_name}"
    review.referral_reason = f"{name}: {review.referral_reason}"
    review.save(update_fields=["referral_reason"])
    finding = review.findings.order_by("number").first()
    recommendation = review.recommendations.order_by("number").first()
    briefing = review.briefings.filter(approved_on__isnull=False).first()
    assert finding and recommendation and briefing
    finding.detail = f"{name} was not seen alone. {finding.detail}"
    finding.save(update_fields=["detail"])
    recommendation.text = f"{recommendation.text} ({child.first_name}'s family)"
    recommendation.save(update_fields=["text"])
    briefing.sections = {**briefing.sections, "what_happened": f"{name} was hurt."}
    briefing.save(update_fields=["sections"])


def test_the_name_search_finds_whole_names_only() -> None:
    pattern = name_pattern({"Kira", "Holt", "O'Brien"})

    assert pattern.search("Seen: Kira, aged 3")
    assert pattern.search(html.unescape("Eilidh O&#x27;Brien"))
    assert not pattern.search("Kiran and Holton")  # other words are not the name
    assert not pattern.search("kira")  # names are proper nouns
    assert same_site("/reviews/", "3/") == "/reviews/3/"
    assert same_site("/", "/actions/?status=overdue#main") == "/actions/?status=overdue"
    assert same_site("/", "https://www.gov.uk/") is None
    assert same_site("/", "/account/sign-out/") is None


def test_no_page_or_csv_a_scrutineer_can_reach_names_a_child() -> None:
    generate("small", DEFAULT_SEED)
    scrutineer = User.objects.get(username="scrutineer")
    reviewed = Child.objects.filter(
        pk__in=ReviewChild.objects.filter(review__partnership_id=scrutineer.partnership_id).values(
            "child_id"
        )
    )
    assert reviewed.count() >= 10, "the demo links its reviews to real children"
    single_names = {n for c in reviewed for n in (c.first_name, c.last_name)}
    full_names = {f"{c.first_name} {c.last_name}" for c in Child.objects.all()}
    plant_names(CaseReview.objects.get(anonymised_name="Child R"))

    client = signed_in_client(scrutineer)
    found = crawl(client, ["/"])
    linked = set(found.pages)
    # Then the review pages the scrutineer may open even if no link leads there (each review's
    # findings, its approved briefings, the thematic analysis), so their text is read too.
    analysis = route("reviews:themes-analysis")
    direct = [analysis] if analysis else []
    for review in CaseReview.objects.prefetch_related("briefings"):
        direct.append(route("reviews:findings", review_id=review.pk) or "")
        for briefing in review.briefings.all():
            if briefing.approved_on:  # drafts are for the review group and managers only
                page = route("reviews:briefing", review_id=review.pk, briefing_id=briefing.pk)
                direct.append(page or "")
    crawl(client, [page for page in direct if page], found)
    unlinked = sorted(p for p in found.paths() if p in direct and p not in linked)

    leaks: list[str] = []
    singles, fulls = name_pattern(single_names), name_pattern(full_names)
    for url, text in found.texts.items():
        for pattern in (singles, fulls):
            for match in pattern.finditer(text):
                start = max(0, match.start() - 60)
                context = " ".join(text[start : match.end() + 60].split())
                leaks.append(f"{url}: {match.group(0)!r} in …{context}…")
    statuses = Counter(found.pages.values())
    summary = (
        f"crawled {len(found.pages)} URLs{' (capped)' if found.capped else ''}: "
        f"statuses {dict(statuses)}, content types {dict(found.kinds)}"
    )
    sections = Counter("/" + path.split("/")[1] for path in found.paths())
    print(summary, "; pages by section:", dict(sections))  # shown with -s
    print(f"{len(unlinked)} pages open to the scrutineer that no link reaches: {unlinked}")
    assert not found.errors, f"server errors: {found.errors}"
    assert not leaks, "children's names reached the scrutineer:\n" + "\n".join(leaks[:40])
    assert found.kinds["text/html"] >= 10, summary

    # The crawl from the home page reached the review pages (skipped while their routes are
    # being built).
    review_list = route("reviews:review-list")
    if review_list is None or analysis is None:
        pytest.skip("The review list or the thematic analysis has no route yet: " + summary)
    review_pages = [
        route("reviews:review-detail", review_id=pk)
        for pk in CaseReview.objects.values_list("pk", flat=True)
    ]
    assert found.reached(review_list), summary
    assert any(page and found.reached(page) for page in review_pages), summary
    assert analysis not in unlinked, (
        f"The thematic analysis ({analysis}) is open to the scrutineer but no page they can "
        "reach links to it: link it from the review list"
    )
    assert found.reached(analysis), summary
    assert found.kinds["text/csv"] >= 1, f"no CSV download reached: {summary}"
    # What the scrutineer reads about the reviews is the anonymised names.
    anonymised = found.texts[review_list]
    assert "Child M" in anonymised and "Ollie" in anonymised
