from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe


@require_safe
@xframe_options_sameorigin  # the admin's headless preview shows the client in an iframe
def headless_client(request):
    """Send /headless/ to the static headless client, keeping the query string (a preview's
    content_type and token). A redirect rather than the file itself, so the client's relative
    links to its script and stylesheets resolve."""
    url = static("headless/index.html")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)
