"""
The appointment request pipeline: one path from submitted data to a stored, notified request,
shared by the HTML form view and the JSON endpoint.
"""
