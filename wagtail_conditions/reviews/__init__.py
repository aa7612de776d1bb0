"""
Medical review of condition and therapy pages (any page type built on ``MedicalReviewMixin``):
the default next review date and the date rule (``schedule``, which the mixin calls), the
pages due for review (``pages``), the admin report in the Reports menu (``views``,
``filters``) and the dashboard panel (``panels``). ``wagtail_hooks`` registers the last two.
"""
