"""The inspectors' review UI: FastAPI + Jinja2 + HTMX, rendered on the server (see ``review.app``)."""
