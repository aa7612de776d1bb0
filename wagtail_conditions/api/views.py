from django.views.decorators.csrf import csrf_exempt

from .submissions import method_not_allowed, submit_json


@csrf_exempt  # no cookies are used; see api/submissions.py
def submit_appointment_json(request):
    if request.method != "POST":
        return method_not_allowed()
    return submit_json(request)
