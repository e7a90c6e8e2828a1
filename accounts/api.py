"""Sign-in for API clients: a token for a username and password."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.errors import DomainError

from .models import User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


@extend_schema(
    tags=["auth"],
    request=TokenRequestSerializer,
    responses=inline_serializer("TokenResponse", fields={"token": serializers.CharField()}),
)
class TokenView(APIView):
    """Exchange a staff username and password for an API token (`Authorization: Token ...`)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "sign_in"

    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise DomainError(
                "invalid_credentials", "That username and password do not match an account."
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
