"""The GeoReport v2 documents, described for the OpenAPI schema. The views render them as JSON or XML themselves
(the spec's element names, see formats.py); these classes say what each one holds."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

STATUSES = [("open", "open"), ("closed", "closed")]


class Open311Error(serializers.Serializer):
    code = serializers.IntegerField(help_text=_("The HTTP status"))
    description = serializers.CharField()


class Open311Endpoint(serializers.Serializer):
    specification = serializers.CharField()
    url = serializers.CharField()
    changeset = serializers.CharField()
    type = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())


class Open311Discovery(serializers.Serializer):
    changeset = serializers.CharField()
    contact = serializers.CharField()
    key_service = serializers.CharField()
    endpoints = Open311Endpoint(many=True)


class Open311Service(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField(help_text=_("Always false: no service asks for extra attributes"))
    type = serializers.CharField()
    keywords = serializers.CharField()
    group = serializers.CharField()


class Open311ServiceDefinition(serializers.Serializer):
    service_code = serializers.CharField()
    attributes = serializers.ListField(child=serializers.DictField(), help_text=_("Always empty"))


class Open311Request(serializers.Serializer):
    service_request_id = serializers.CharField(help_text=_("The case number"))
    status = serializers.ChoiceField(choices=STATUSES)
    status_notes = serializers.CharField()
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField()
    agency_responsible = serializers.CharField()
    service_notice = serializers.CharField()
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    expected_datetime = serializers.CharField(help_text=_("The current step's deadline (a w3 date-time), or empty"))
    address = serializers.CharField()
    address_id = serializers.CharField()
    zipcode = serializers.CharField()
    lat = serializers.FloatField()
    long = serializers.FloatField()
    media_url = serializers.CharField(help_text=_("Always empty: photos are shown to staff only"))


class Open311RequestQuery(serializers.Serializer):
    service_request_id = serializers.CharField(
        required=False, help_text=_("Case numbers, comma-separated; when given, the other parameters are ignored"))
    service_code = serializers.CharField(required=False, help_text=_("Service codes, comma-separated"))
    start_date = serializers.DateTimeField(required=False, help_text=_("Default: 90 days before end_date"))
    end_date = serializers.DateTimeField(required=False, help_text=_("Default: now"))
    status = serializers.CharField(required=False, help_text=_("open, closed, or open,closed"))


class Open311RequestIn(serializers.Serializer):
    api_key = serializers.CharField()
    service_code = serializers.CharField()
    lat = serializers.FloatField(help_text=_("WGS-84"))
    long = serializers.FloatField(help_text=_("WGS-84"))
    address_string = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)


class Open311Created(serializers.Serializer):
    service_request_id = serializers.CharField()
    token = serializers.CharField(help_text=_("The follow-up code, for tokens/{token}"))
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True, help_text=_("Always null: no accounts"))


class Open311Token(serializers.Serializer):
    service_request_id = serializers.CharField()
    token = serializers.CharField()
