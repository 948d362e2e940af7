"""SQLAlchemy models, one module per aggregate. Import them all here so Alembic sees them."""
from app.models.report import Attachment, Report, ReportMessage
from app.models.place import Place, PlaceKind, PlaceScanDay, PlaceStaffChange
from app.models.staff import Alert, RecoveryCode, RoutingRule, StaffSession, StaffUser, Team
from app.models.case import Case, CaseAssessment, CaseNote, CaseReopening, CaseTask, Referral
from app.models.audit import AuditEntry
from app.models.translation import (SuggestionStatus, TranslationCatalogVersion, TranslationLanguage,
                                    TranslationSuggestion)

__all__ = ["Attachment", "Report", "ReportMessage",
           "Alert", "RecoveryCode", "RoutingRule", "StaffSession", "StaffUser", "Team",
           "Case", "CaseAssessment", "CaseNote", "CaseReopening", "CaseTask", "Referral",
           "AuditEntry",
           "SuggestionStatus", "TranslationCatalogVersion", "TranslationLanguage", "TranslationSuggestion",
           "Place", "PlaceKind", "PlaceScanDay", "PlaceStaffChange"]
