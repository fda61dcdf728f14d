"""``/api/v1/auth/tokens/``: the caller's own API tokens, listed and revoked (issued at ``/api/v1/auth/token/``)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import ApiToken
from ..tokens import token_revoke, tokens_of, tokens_revoke_all


class ApiTokenOut(serializers.ModelSerializer):
    key = serializers.CharField(source="token_key", read_only=True,
                                help_text="The token's first characters: enough to tell it apart, not to use it")
    current = serializers.SerializerMethodField(help_text="Whether this request was made with it")

    class Meta:
        model = ApiToken
        fields = ["key", "name", "created", "expiry", "last_used_at", "current"]

    def get_current(self, token) -> bool:
        used = self.context["request"].auth
        return isinstance(used, ApiToken) and used.pk == token.pk


class RevokedOut(serializers.Serializer):
    revoked = serializers.IntegerField()


@extend_schema_view(list=extend_schema(tags=["auth"]), destroy=extend_schema(tags=["auth"]))
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your API tokens, newest first; revoke one by its key, or all of them. (Everyone sees only their own.)"""

    serializer_class = ApiTokenOut
    permission_classes = [permissions.IsAuthenticated]
    queryset = ApiToken.objects.none()
    lookup_field = "token_key"
    lookup_url_kwarg = "key"
    pagination_class = None  # a handful at most (REST_KNOX TOKEN_LIMIT_PER_USER)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return tokens_of(self.request.user)

    def perform_destroy(self, token):
        token_revoke(self.request.user, token.token_key)

    @extend_schema(request=None, responses={200: RevokedOut}, tags=["auth"])
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request):
        """Revoke every token of yours, this one included: each client must sign in again."""
        return Response({"revoked": tokens_revoke_all(request.user)}, status=status.HTTP_200_OK)
