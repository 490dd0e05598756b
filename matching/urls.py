"""Match pages for company staff."""

app_name = "matching"

urlpatterns: list = []
