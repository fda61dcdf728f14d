from django.urls import path
from rest_framework import generics, permissions, serializers

from .models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "title", "description", "lat", "lng", "address", "created_at"]


class NoteCreate(generics.CreateAPIView):
    """The platform's token authentication and throttles (its REST_FRAMEWORK defaults); any signed-in user."""

    serializer_class = NoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    schema = None  # not part of the platform's API


urlpatterns = [path("notes/", NoteCreate.as_view(), name="bench-bare-notes")]
