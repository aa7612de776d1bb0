from django.dispatch import Signal

# Sent after an appointment request is stored (``instance``), inside the request that
# submitted it. Receivers must not raise: the patient has already been told it worked.
appointment_request_created = Signal()
