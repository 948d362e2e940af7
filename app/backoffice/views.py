"""Back-office views, one module per area; importing them registers their routes on the blueprint."""
from app.backoffice import admin_views, auth_views, case_views, dashboard_views, display, report_views  # noqa: F401
from app.backoffice import account_views, place_views, translation_views  # noqa: F401
