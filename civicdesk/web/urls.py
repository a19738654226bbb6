from django.contrib.auth import views as auth_views
from django.urls import path

from civicdesk.ratelimit.web import limited

from .views import console, knowledge, ledger, public, queues, staff

app_name = "web"
urlpatterns = [
    # citizens
    path("", public.home, name="home"),
    path("submit/", public.submit, name="submit"),
    path("submitted/<str:number>/", public.submitted, name="submitted"),
    path("track/", public.track, name="track"),
    path("track/<str:number>/", public.track_case, name="track_case"),
    path("track/<str:number>/<str:action>/", public.citizen_act, name="citizen_act"),
    path("my/", public.my_cases, name="my_cases"),
    path("register/", public.register, name="register"),
    path(
        "login/",
        limited("login")(auth_views.LoginView.as_view(template_name="web/login.html")),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", public.healthz, name="healthz"),
    # staff
    path("work/", staff.work_home, name="work"),
    path("cases/", staff.case_list, name="cases"),
    path("cases/import/", ledger.ledger_import, name="ledger_import"),
    path("cases/import/template.xlsx", ledger.ledger_template, name="ledger_template"),
    path("cases/<str:number>/", staff.case_detail, name="case"),
    path("cases/<str:number>/do/<str:action>/", staff.case_act, name="case_act"),
    path("cases/<str:number>/contact/", staff.reveal_contact, name="reveal_contact"),
    path("attachments/<int:pk>/", staff.attachment, name="attachment"),
    path("queue/", queues.dispatcher_queue, name="queue"),
    path("queue/dispatch/", queues.bulk_dispatch, name="bulk_dispatch"),
    path("workbench/", queues.workbench, name="workbench"),
    path("overview/", queues.overview, name="overview"),
    path("overview/urge/", queues.urge_unit, name="urge_unit"),
    path("console/", console.console, name="console"),
    path("console/history/", console.caller_history, name="caller_history"),
    path("console/knowledge/", console.knowledge_suggestions, name="knowledge_suggestions"),
    path("knowledge/", knowledge.knowledge_list, name="knowledge"),
    path("knowledge/new/", knowledge.knowledge_edit, name="knowledge_new"),
    path("knowledge/<int:pk>/", knowledge.knowledge_edit, name="knowledge_edit"),
]
