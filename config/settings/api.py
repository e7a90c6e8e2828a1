"""The REST API (DRF) and its OpenAPI schema (drf-spectacular)."""

from .base import TRUSTED_PROXY_COUNT, env

# --- REST API -------------------------------------------------------------------------------
# Request bodies nested deeper than this (arrays and objects) are a 400 (core/parsers.py).
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],  # finite numbers, JSON_MAX_DEPTH
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # DRF's throttles, keyed on core.net.client_ip (see TRUSTED_PROXY_COUNT).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="2000/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        # The staff sign-in page and the witness's page (core.throttling.PageRateThrottle).
        "sign_in_page": env.str("THROTTLE_SIGN_IN_PAGE", default="10/min"),
        "witness_page": env.str("THROTTLE_WITNESS_PAGE", default="30/min"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
    # Our throttles ask core.net.client_ip; this keeps any of DRF's own from trusting
    # X-Forwarded-For either (None would take it whole, whoever wrote it; 0 is REMOTE_ADDR).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Remote evidence suites API",
    "DESCRIPTION": (
        "Books community video suites for police officers and witnesses giving evidence to "
        "magistrates' courts over a live link. Every 4xx uses one error shape: "
        '`{"code", "detail", "fields"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this app, not a CDN: staff networks often block CDNs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.models.BookingStatus",
        "HearingStatusEnum": "bookings.models.HearingStatus",
        "WitnessTypeEnum": "bookings.models.WitnessType",
        "OutcomeEnum": "bookings.models.Outcome",
        "RoleEnum": "accounts.models.Role",
        "ListChangesPolicyEnum": "bookings.models.ListChangesPolicy",
        "ListTypeEnum": "court_lists.models.ListType",
        "ListLanguageEnum": "court_lists.models.ListLanguage",
        "ListSensitivityEnum": "court_lists.models.Sensitivity",
        "ListReadOutcomeEnum": "court_lists.models.ReadOutcome",
        "ListChangeKindEnum": "court_lists.models.ChangeKind",
        "ListChangeStateEnum": "court_lists.models.ChangeState",
        # Witnesses' `language` and forces' `default_witness_language` (court lists' own
        # `language` is ListLanguageEnum).
        "WitnessLanguageEnum": "core.languages.Language",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.confidential_whereabouts",
    ],
}
