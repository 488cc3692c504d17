from django.urls import path

from kotacerdas.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.planning_home, name="home"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<pk:round_id>/", views.round_detail, name="round"),
    path("rounds/<pk:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<pk:round_id>/extend/", views.round_extend, name="round_extend"),
    path("rounds/<pk:round_id>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<pk:round_id>/nothing/", views.round_answer_nothing, name="round_nothing"),
    path("rounds/<pk:round_id>/proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<pk:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<pk:proposal_id>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<pk:proposal_id>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<pk:proposal_id>/<slug:action>/", views.proposal_act, name="proposal_act"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<pk:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<pk:programme_id>/assign/", views.programme_assign, name="programme_assign"),
    path("programmes/<pk:programme_id>/children/new/", views.programme_add_child, name="programme_add_child"),
    path("programmes/<pk:programme_id>/<slug:action>/", views.programme_act, name="programme_act"),
    path("masterplans/", views.masterplan_list, name="masterplans"),
    path("masterplans/new/", views.masterplan_edit, name="masterplan_create"),
    path("masterplans/<pk:masterplan_id>/", views.masterplan_detail, name="masterplan"),
    path("masterplans/<pk:masterplan_id>/edit/", views.masterplan_edit, name="masterplan_edit"),
    path("digitalisation/", views.digitalisation_backlog, name="digitalisation"),
    path("digitalisation/<pk:request_id>/", views.digitalisation_detail, name="digitalisation_detail"),
]
