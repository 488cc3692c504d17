from django.urls import path

from kotacerdas.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("programmes/<pk:programme_id>/", views.programme_results, name="results"),
    path("programmes/<pk:programme_id>/report.pdf", views.programme_download, {"fmt": "pdf"}, name="programme_pdf"),
    path("programmes/<pk:programme_id>/report.xlsx", views.programme_download, {"fmt": "xlsx"}, name="programme_xlsx"),
    path("programmes/<pk:programme_id>/indicators/", views.indicator_create, name="indicator_create"),
    path("programmes/<pk:programme_id>/targets/", views.target_set, name="target_set"),
    path("programmes/<pk:programme_id>/milestones/", views.milestone_create, name="milestone_create"),
    path("programmes/<pk:programme_id>/reports/<pk:period_id>/", views.report_edit, name="report_edit"),
    path("milestones/<pk:milestone_id>/reach/", views.milestone_reach, name="milestone_reach"),
    path("reports/<pk:report_id>/", views.report_detail, name="report"),
    path("reports/<pk:report_id>/attachment/", views.report_attachment, name="report_attachment"),
    path("reports/<pk:report_id>/<slug:action>/", views.report_act, name="report_act"),
    path("periods/", views.period_list, name="periods"),
    path("periods/<pk:period_id>/lock/", views.period_lock, name="period_lock"),
    path("statuses/", views.status_catalogue, name="statuses"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/<pk:evaluation_id>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<pk:evaluation_id>/report.pdf", views.evaluation_download, {"fmt": "pdf"}, name="evaluation_pdf"),
    path(
        "evaluations/<pk:evaluation_id>/report.xlsx", views.evaluation_download, {"fmt": "xlsx"}, name="evaluation_xlsx"
    ),
    path("evaluations/<pk:evaluation_id>/publish/", views.evaluation_publish, name="evaluation_publish"),
    path("scores/<pk:score_id>/verify/", views.score_verify, name="score_verify"),
    path("open-data/", views.portal, name="portal"),
    path("open-data/publish/", views.portal_publish, name="portal_publish"),
]
