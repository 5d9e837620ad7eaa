from django.urls import path

from . import views  # noqa: F401
from . import views_assessment as va
from . import views_cin as vc
from . import views_conference as vconf
from . import views_pack as vpack
from . import views_plan as vplan

app_name = "protection"

urlpatterns: list[object] = []

# Assessments, strategy discussions, section 47 enquiries, children in need plans and visits.
urlpatterns += [
    path("cases/<int:case_id>/assessments/new/", va.assessment_start, name="assessment-start"),
    path("assessments/<int:assessment_id>/", va.assessment_detail, name="assessment-detail"),
    path("assessments/<int:assessment_id>/change/", va.assessment_edit, name="assessment-edit"),
    path(
        "assessments/<int:assessment_id>/complete/",
        va.assessment_complete,
        name="assessment-complete",
    ),
    path(
        "assessments/<int:assessment_id>/authorise/",
        va.assessment_authorise,
        name="assessment-authorise",
    ),
    path(
        "assessments/<int:assessment_id>/authorisation/change/",
        va.assessment_authorisation_edit,
        name="assessment-authorisation-edit",
    ),
    path("cases/<int:case_id>/strategy-discussions/new/", va.strategy_add, name="strategy-add"),
    path("strategy-discussions/<int:strategy_id>/", va.strategy_detail, name="strategy-detail"),
    path("strategy-discussions/<int:strategy_id>/change/", va.strategy_edit, name="strategy-edit"),
    path("section-47-enquiries/<int:enquiry_id>/", va.s47_detail, name="s47-detail"),
    path("section-47-enquiries/<int:enquiry_id>/outcome/", va.s47_outcome, name="s47-outcome"),
    path("cases/<int:case_id>/cin-plans/new/", vc.cin_plan_start, name="cin-plan-start"),
    path("cin-plans/<int:plan_id>/", vc.cin_plan_detail, name="cin-plan-detail"),
    path("cin-plans/<int:plan_id>/change/", vc.cin_plan_edit, name="cin-plan-edit"),
    path(
        "cin-plans/<int:plan_id>/reviews/new/",
        vc.cin_plan_review_add,
        name="cin-plan-review-add",
    ),
    path("cin-plans/<int:plan_id>/end/", vc.cin_plan_end, name="cin-plan-end"),
    path("cases/<int:case_id>/visits/", vc.visit_list, name="visit-list"),
    path("cases/<int:case_id>/visits/new/", vc.visit_add, name="visit-add"),
    path("visits/<int:visit_id>/", vc.visit_detail, name="visit-detail"),
]

# Conferences (initial, transfer-in, review; sibling groups), child protection plans, meeting packs.
urlpatterns += [
    path(
        "children/<int:child_id>/conferences/",
        vconf.child_conferences,
        name="child-conferences",
    ),
    path("children/<int:child_id>/transfer-in/", vconf.transfer_in, name="transfer-in"),
    path("cases/<int:case_id>/conferences/new/", vconf.conference_new, name="conference-new"),
    path(
        "cases/<int:case_id>/conferences/schedule/",
        vconf.conference_schedule_view,
        name="conference-schedule",
    ),
    path(
        "conferences/<int:conference_id>/",
        vconf.conference_detail,
        name="conference-detail",
    ),
    path(
        "conferences/<int:conference_id>/change/",
        vconf.conference_edit,
        name="conference-edit",
    ),
    path(
        "conferences/<int:conference_id>/held/",
        vconf.conference_held,
        name="conference-held",
    ),
    path(
        "conferences/<int:conference_id>/cancel/",
        vconf.conference_cancel_view,
        name="conference-cancel",
    ),
    path(
        "conferences/<int:conference_id>/children/add/",
        vconf.conference_add_child_view,
        name="conference-add-child",
    ),
    path(
        "conferences/<int:conference_id>/children/<int:child_id>/decision/",
        vconf.conference_decision,
        name="conference-decision",
    ),
    path("cp-plans/<int:plan_id>/", vplan.plan_detail, name="plan-detail"),
    path("cp-plans/<int:plan_id>/change/", vplan.plan_edit, name="plan-edit"),
    path("cp-plans/<int:plan_id>/category/", vplan.plan_category, name="plan-category"),
    path(
        "cp-plans/<int:plan_id>/core-groups/new/",
        vplan.core_group_new,
        name="core-group-new",
    ),
    path("cp-plans/<int:plan_id>/reviews/new/", vplan.review_new, name="review-new"),
    path(
        "cp-plans/<int:plan_id>/reviews/schedule/",
        vplan.review_schedule,
        name="review-schedule",
    ),
    path("cp-plans/<int:plan_id>/end/", vplan.plan_end_view, name="plan-end"),
    path("conferences/<int:conference_id>/pack/", vpack.pack_detail, name="pack-detail"),
    path(
        "conferences/<int:conference_id>/pack/assemble/",
        vpack.pack_assemble_view,
        name="pack-assemble",
    ),
    path(
        "conferences/<int:conference_id>/pack/report/",
        vpack.pack_report,
        name="pack-report",
    ),
    path(
        "conferences/<int:conference_id>/pack/shares/new/",
        vpack.pack_share,
        name="pack-share",
    ),
    path(
        "conferences/<int:conference_id>/pack/print/",
        vpack.pack_print,
        name="pack-print",
    ),
]
