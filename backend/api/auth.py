from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.accounts.services import api_token_issue, api_token_revoke
from backend.core.errors import ApplicationError
from backend.core.permissions import COORDINATE


class AuthTokenCreateApi(APIView):
    """Exchange an e-mail and a password for an API token (``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False, max_length=4096)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # allauth's adapter counts failures per address and per account
            # (ACCOUNT_RATE_LIMITS["login_failed"]), shared with the login page: a
            # password cannot be guessed through the API once the page locks.
            user = get_adapter(request._request).authenticate(
                request._request,
                email=data.validated_data["email"].lower(),
                password=data.validated_data["password"],
            )
        except DjangoValidationError as exc:
            raise ApplicationError(
                exc.messages[0],
                code="too_many_login_attempts",
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            ) from None
        if user is None or not user.is_active:
            raise ApplicationError(
                _("Unable to log in with these credentials."),
                code="invalid_credentials",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        if not _email_verified(user):
            raise ApplicationError(
                _("Confirm your e-mail address before using the API."),
                code="email_unverified",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        token = api_token_issue(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the token used for this request (log out of the API)."""
        auth = request.auth
        if isinstance(auth, Token):
            api_token_revoke(token=auth)
            return Response(status=status.HTTP_204_NO_CONTENT)
        raise ApplicationError(
            _("Send the token to revoke in the Authorization header."),
            code="no_token",
            status_code=status.HTTP_400_BAD_REQUEST,
        )

    def get_authenticators(self):
        from rest_framework.authentication import TokenAuthentication

        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []


def _email_verified(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


class MeApi(APIView):
    """The authenticated user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Me",
            fields={
                "id": serializers.IntegerField(),
                "email": serializers.EmailField(),
                "first_name": serializers.CharField(),
                "last_name": serializers.CharField(),
                "is_coordinator": serializers.BooleanField(),
                "language": serializers.CharField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "id": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_coordinator": user.has_perm(COORDINATE),
                "language": request.LANGUAGE_CODE,
            }
        )
