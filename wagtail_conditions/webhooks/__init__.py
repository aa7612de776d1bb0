"""Signed webhooks (Standard Webhooks) that hand appointment requests to a clinic's other
software: ``events`` records what to send, ``tasks`` sends it from the task queue after
commit, ``delivery`` makes one attempt, ``payloads`` builds the body and ``transport`` posts
it to a public address only. See docs/integrations.md."""
