from django.urls import URLPattern

app_name = "assurance"

urlpatterns: list[URLPattern] = []
