"""
The headless faces of wagtail-conditions.

For pages: ``schemas`` describes what our blocks and page fields return as JSON Schema,
``serializers`` holds the DRF fields behind our pages' ``api_fields`` (read by API v2, and by
API v3 through its v2 compatibility layer), ``v2`` offers a ready-made router and ``v3`` types
our fields for Wagtail 8's OpenAPI document. Appointment requests have their JSON endpoint in
``submissions``/``views`` and their API v3 operation in ``v3_appointments``.
"""
