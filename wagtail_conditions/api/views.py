from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .submissions import problem_response, submit_json


@csrf_exempt  # no cookies are used; see api/submissions.py
def submit_appointment_json(request):
    if request.method != "POST":
        return problem_response(405, _("Use POST."), headers={"Allow": "POST"})
    return submit_json(request)
