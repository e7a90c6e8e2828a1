"""Sign-in for API clients: a token for a username and password (and a two-factor code for those
enrolled), revoked by its holder with DELETE."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DomainError
from core.schema import ErrorSerializer
from core.throttling import ScopedRateThrottle

from .lockout import cool_off_seconds, is_locked_out, locked_out_message, sign_in_failed
from .models import User
from .tokens import ApiTokenAuthentication, api_token_create, api_token_revoke
from .two_factor import CODE_HELP, two_factor_check


class SignInLockedOut(exceptions.APIException):
    """429 `locked_out`, with Retry-After: the end of the cool-off (rendered by core.errors
    in the API's error shape, like DRF's own 429 `throttled`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(locked_out_message())
        self.wait = cool_off_seconds()


class _WithoutSession:
    """The request as sign-in receivers see a token sign-in: with no session, so none is
    started for it (django-axes would create one just to fingerprint it, and the client would
    get a session cookie it never asked for)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        if name == "session":
            raise AttributeError(name)
        return getattr(self._request, name)


DATETIME = serializers.DateTimeField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=f"Only for an account with two-factor sign-in: {CODE_HELP}.",
    )


TokenResponse = inline_serializer(
    "TokenResponse",
    fields={
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
        "expiry": serializers.DateTimeField(
            help_text="When the token stops working (it does not extend with use)."
        ),
    },
)


EXAMPLE_DETAILS = {
    "invalid_credentials": "That username and password do not match an account.",
    "otp_required": f"This account uses two-factor sign-in: also give {CODE_HELP}.",
    "otp_invalid": "That code is not right, or has already been used.",
    "otp_enrolment_required": "Your role must sign in with two-factor authentication, and "
    "this account is not set up for it yet. Ask an administrator to enrol you: …",
    "locked_out": "Too many failed sign-in attempts for this account or from this address. "
    "Wait 15 minutes, then try again, or ask an administrator to unlock the account.",
    "throttled": "Request was throttled. Expected available in 42 seconds.",
}


def _error(description: str, *codes: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(
                code, value={"code": code, "detail": EXAMPLE_DETAILS[code]}, response_only=True
            )
            for code in codes
        ],
    )


class TokenView(APIView):
    """An API token for a username and password (POST), revoked by its holder (DELETE)."""

    throttle_scope = "sign_in"

    # POST signs in with a password; DELETE is signed in with the token it revokes.
    def _revoking(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"

    def get_authenticators(self):
        return [ApiTokenAuthentication()] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    def get_throttles(self):
        return super().get_throttles() if self._revoking() else [ScopedRateThrottle()]

    @extend_schema(
        tags=["auth"],
        summary="Sign in: an API token for a username and password",
        description="Exchange a staff username and password (and `otp`, for an account with "
        "two-factor sign-in) for a token to send as `Authorization: Token <token>`. Each sign-in "
        "gives a new token, which expires at `expiry` (API_TOKEN_TTL_HOURS after it was issued, "
        "however much it is used). Failed attempts are counted by username and by client "
        "address: too many lock both out for a while (429 `locked_out`).",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponse,
            400: _error(
                "`invalid_credentials` (wrong username or password), `otp_required` (the "
                "account uses two-factor sign-in: send `otp`), `otp_invalid` (a wrong or used "
                "code), or `invalid` (a field missing).",
                "invalid_credentials",
                "otp_required",
                "otp_invalid",
            ),
            403: _error(
                "`otp_enrolment_required`: the role must use two-factor sign-in and the "
                "account is not enrolled yet.",
                "otp_enrolment_required",
            ),
            429: _error(
                "`locked_out`: too many failed sign-ins for this username or from this "
                "address; or `throttled`: too many sign-ins a minute. Retry after the "
                "Retry-After header (seconds).",
                "locked_out",
                "throttled",
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        user = authenticate(
            request, username=username, password=serializer.validated_data["password"]
        )
        if is_locked_out(request):
            raise SignInLockedOut()
        if user is None or not user.is_active:
            raise DomainError(
                "invalid_credentials", "That username and password do not match an account."
            )
        try:
            two_factor_check(user=user, code=serializer.validated_data.get("otp"))
        except DomainError as refusal:
            if refusal.code == "otp_invalid":
                sign_in_failed(request, username=username)
                if is_locked_out(request):
                    raise SignInLockedOut() from None
            raise
        instance, token = api_token_create(user=user)
        # Recorded as a sign-in (django-axes' access log, last_login) like the staff pages'.
        user_logged_in.send(sender=User, request=_WithoutSession(request), user=user)
        return Response({"token": token, "expiry": DATETIME.to_representation(instance.expiry)})

    @extend_schema(
        tags=["auth"],
        summary="Sign out: revoke this token",
        description="Revokes the token the request is sent with. A password change or an "
        "account being switched off revokes all of that user's tokens.",
        request=None,
        responses={
            204: OpenApiResponse(
                description="Revoked: the token is refused (401) from now on. Other tokens of "
                "the same user keep working."
            )
        },
    )
    def delete(self, request):
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "role", "force", "court"]


@extend_schema(tags=["auth"], responses=MeSerializer)
class MeView(APIView):
    """Who the token belongs to, and the role and force or court that scope what it sees."""

    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response(MeSerializer(request.user).data)
