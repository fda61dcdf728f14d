from django.urls import path

from . import supervision_views, views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run-export"),
    path("runs/<int:pk>/<slug:kind>/", views.ranking, name="ranking"),
    path("results/<int:pk>/", views.scorecard, name="scorecard"),
    path("results/<int:pk>/cases/<slug:drill>/", views.result_cases, name="result-cases"),
    path("sheets/", views.sheets, name="sheets"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("r/<slug:token>/", views.public_sheet, name="public-sheet"),
    path("bonuses/<int:pk>/", views.bonus_detail, name="bonus"),
    path("bonuses/<int:pk>/export.xlsx", views.bonus_export, name="bonus-export"),
    path("supervision/", supervision_views.committees, name="committees"),
    path("supervision/<int:pk>/", supervision_views.committee, name="committee"),
    path("supervision/rounds/<int:pk>/", supervision_views.supervision_round, name="supervision-round"),
]
