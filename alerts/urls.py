"""Pages of this app, mounted in English and under /ja/ by web/urls.py."""

app_name = "alerts"

urlpatterns: list = []
