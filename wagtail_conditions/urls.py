"""Public URLs of wagtail-conditions; include them before Wagtail's catch-all."""

app_name = "wagtail_conditions"

urlpatterns = []
