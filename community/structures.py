"""Community structures: who stands behind 三位一体, 四方共建 and 三社联动 in a community.

- 三位一体: the community party organisation, the residents' committee and the service station, and
  the staff holding posts in them (``BodyPost``; the station itself is ``grids.ServiceStation``).
- 四方共建: the party organisation and residents' committee with the owners' committees and property
  companies of the community's compounds (``OwnersCommittee``, ``PropertyCompany``), each with its
  term or contract and contacts. A term or contract ending within ``TERM_WARNING_DAYS`` (or ended) is
  flagged. Deliberation participants who speak for them link to them.
- 三社联动: community, social organisations and social workers. The social organisations based in the
  community and the service projects purchased from them belong to ``orgs``, which this app may not
  import; they are reached through the relation ``orgs`` declares on ``grids.Community``
  (``social_organisations``), each read through its own ``visible_to``. Social workers are not
  recorded on the platform.

Writes follow ``services``: one transaction each, the area checked (400 on ``community``), every row
validated (400 with field messages), nothing stored on any error.
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.privacy import is_phone, masked, normalised_phone
from core.roles import role_of
from core.scoping import scope_of
from grids.models import Community, ServiceStation, StaffProfile
from grids.scoping import require_area

from .models import Body, BodyContact, BodyPost, CompoundBody, MeetingParticipant, OwnersCommittee, PropertyCompany
from .roles import SENSITIVE_ROLES
from .services import _save, locked_for_change

# The field of a deliberation participant (and its party) that links each kind of body.
PARTY_FIELD = {OwnersCommittee: "owners_committee", PropertyCompany: "property_company"}


# --- contacts' phones -------------------------------------------------------------------------------


def sees_contact_phones(user, community: Community) -> bool:
    """Contacts' phones are personal data: in full only to the roles that read residents' records, and
    only in the communities they act in (the community's own staff, its street, the district)."""
    if user.is_superuser:
        return True
    return role_of(user) in SENSITIVE_ROLES and scope_of(user).acts_in_area(community.code)


def phone_shown(phone: str, *, in_full: bool) -> str:
    """In full, or masked ("13912345678" → "139****5678"): enough to recognise a number, not to call it."""
    return phone if in_full else masked(phone)


# --- writes -----------------------------------------------------------------------------------------


def community_workers(community: Community) -> QuerySet[StaffProfile]:
    """The community's own workers (社区工作者, listed in its grids), who staff its three bodies."""
    return StaffProfile.objects.filter(home_grid__community=community,
                                       force_group=StaffProfile.ForceGroup.COMMUNITY)


def _contact_rows(contacts) -> list[BodyContact]:
    """Unsaved contacts, each validated; a bad one is a 400 on ``contacts`` naming its place in the list."""
    rows = []
    for index, contact in enumerate(contacts or []):
        phone = contact.get("phone", "").strip()  # in its written form when it is a number; else the model says why
        row = BodyContact(name=contact.get("name", "").strip(), role=contact.get("role", "").strip(),
                          phone=normalised_phone(phone) if is_phone(phone) else phone)
        try:
            row.full_clean(exclude=["owners_committee", "property_company"])
        except ValidationError as error:
            raise ValidationError({"contacts": [
                _("Contact %(number)s: %(problem)s") % {"number": index + 1, "problem": f"{name}: {' '.join(messages)}"}
                for name, messages in error.message_dict.items()]}) from error
        rows.append(row)
    return rows


def _attach(body: CompoundBody, contacts: list[BodyContact]) -> None:
    for contact in contacts:
        setattr(contact, PARTY_FIELD[type(body)], body)
    BodyContact.objects.bulk_create(contacts)


def _link_named_participants(body: CompoundBody) -> int:
    """Participants of the community's meetings who spoke for the body by its name only now link to it."""
    field_name = PARTY_FIELD[type(body)]
    return MeetingParticipant.objects.filter(
        meeting__community=body.community, party=field_name, affiliation=body.name, **{f"{field_name}__isnull": True},
    ).update(**{field_name: body})


@transaction.atomic
def compound_body_register(*, user, model: type[CompoundBody], community: Community, name: str, starts_on: date,
                           ends_on: date, compound: str = "", contacts=()) -> CompoundBody:
    """Record an owners' committee or a property company of a community (``model``) with its contacts."""
    require_area(user, community.code, "community")
    contact_rows = _contact_rows(contacts)
    body = _save(model(community=community, compound=compound.strip(), name=name.strip(), starts_on=starts_on,
                       ends_on=ends_on))
    _attach(body, contact_rows)
    _link_named_participants(body)
    return body


@transaction.atomic
def body_contact_add(*, user, body: CompoundBody, name: str, role: str, phone: str) -> BodyContact:
    """Add a contact to a committee or company the user sees (403 if not theirs to change)."""
    body = locked_for_change(user, body)
    [contact] = _contact_rows([{"name": name, "role": role, "phone": phone}])
    _attach(body, [contact])
    return contact


@transaction.atomic
def body_post_appoint(*, user, community: Community, body: str, title: str, staff: StaffProfile) -> BodyPost:
    """Put one of the community's workers into a post of one of its three bodies."""
    require_area(user, community.code, "community")
    if not community_workers(community).filter(pk=staff.pk).exists():
        raise ValidationError({"staff": _("This person is not one of this community's workers.")})
    if BodyPost.objects.filter(community=community, body=body, staff=staff).exists():
        raise ValidationError({"staff": _("This person already holds a post in this body.")})
    return _save(BodyPost(community=community, body=body, title=title, staff=staff))


# --- reads ------------------------------------------------------------------------------------------


def with_contacts(bodies: QuerySet) -> QuerySet:
    return bodies.select_related("community").prefetch_related(
        Prefetch("contacts", queryset=BodyContact.objects.order_by("id")))


@dataclass
class BodyPeople:
    body: str
    label: str
    posts: list = field(default_factory=list)


@dataclass
class SocialLinks:
    """三社联动 in a community: what the platform records of it."""

    available: bool
    organisations: list = field(default_factory=list)
    projects: list = field(default_factory=list)


@dataclass
class CommunityStructure:
    community: Community
    station: ServiceStation | None
    bodies: list[BodyPeople]
    owners_committees: list[OwnersCommittee]
    property_companies: list[PropertyCompany]
    phones_in_full: bool
    social: SocialLinks

    @property
    def compound_bodies(self) -> list[tuple[str, list]]:
        return [(OwnersCommittee._meta.verbose_name_plural, self.owners_committees),
                (PropertyCompany._meta.verbose_name_plural, self.property_companies)]

    @property
    def ending(self) -> list[CompoundBody]:
        """Committees and contracts whose term ends within the warning period or has ended."""
        return [body for body in [*self.owners_committees, *self.property_companies]
                if body.has_ended or body.ends_soon]


def _three_bodies(user, community: Community) -> list[BodyPeople]:
    bodies = {value: BodyPeople(value, label) for value, label in Body.choices}
    posts = BodyPost.objects.visible_to(user).filter(community=community).select_related("staff")
    for post in posts.order_by("body", "title", "staff__full_name"):
        bodies[post.body].posts.append(post)
    return list(bodies.values())


def _social_links(user, community: Community) -> SocialLinks:
    try:
        organisation_model = Community._meta.get_field("social_organisations").related_model
        project_model = organisation_model._meta.get_field("purchase_projects").related_model
    except FieldDoesNotExist:  # the social-organisation register is not installed
        return SocialLinks(available=False)
    organisations = organisation_model.objects.visible_to(user).filter(community=community)
    projects = project_model.objects.visible_to(user).filter(provider__community=community).select_related("provider")
    return SocialLinks(available=True, organisations=list(organisations.order_by("name")[:50]),
                       projects=list(projects.order_by("-year", "code")[:50]))


def _with_shown_phones(bodies: QuerySet, in_full: bool) -> list[CompoundBody]:
    """The bodies, each contact carrying ``shown_phone`` (masked unless ``in_full``)."""
    bodies = list(with_contacts(bodies))
    for body in bodies:
        for contact in body.contacts.all():
            contact.shown_phone = phone_shown(contact.phone, in_full=in_full)
    return bodies


def community_structure(user, community: Community) -> CommunityStructure:
    """What stands behind a community the user sees: its three bodies and their people, its owners'
    committees and property companies (contacts' phones masked unless the user serves it), and the
    social organisations working in it."""
    in_full = sees_contact_phones(user, community)
    return CommunityStructure(
        community=community,
        station=ServiceStation.objects.filter(community=community).first(),
        bodies=_three_bodies(user, community),
        owners_committees=_with_shown_phones(OwnersCommittee.objects.visible_to(user).filter(community=community),
                                             in_full),
        property_companies=_with_shown_phones(PropertyCompany.objects.visible_to(user).filter(community=community),
                                              in_full),
        phones_in_full=in_full,
        social=_social_links(user, community),
    )
