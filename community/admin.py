from django.contrib import admin

from . import models


@admin.register(models.ServiceCircleSite)
class ServiceCircleSiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "street", "designated_year"]
    list_filter = ["kind", "level", "designated_year", "street"]
    search_fields = ["code", "name"]
    filter_horizontal = ["communities"]
    list_select_related = ["street"]


class ServiceOutletInline(admin.TabularInline):
    model = models.ServiceOutlet
    extra = 0
    raw_id_fields = ["community", "site"]


@admin.register(models.ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "contracted_on", "contract_ends_on"]
    list_filter = ["field"]
    search_fields = ["code", "name"]
    inlines = [ServiceOutletInline]


@admin.register(models.ServiceOutlet)
class ServiceOutletAdmin(admin.ModelAdmin):
    list_display = ["code", "provider", "community", "site"]
    search_fields = ["code", "provider__name", "community__name"]
    raw_id_fields = ["provider", "community", "site"]


@admin.register(models.VisitCategory)
class VisitCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "interval_days", "note"]


class VisitInline(admin.TabularInline):
    model = models.Visit
    extra = 0
    raw_id_fields = ["visitor"]


@admin.register(models.Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "address", "grid", "next_visit_due", "is_overdue", "active"]
    list_filter = ["is_overdue", "active", "categories"]
    search_fields = ["head_name", "address", "grid__code"]
    raw_id_fields = ["grid", "created_by"]
    readonly_fields = ["last_visited_on", "next_visit_due", "is_overdue", "overdue_flagged_at"]
    inlines = [VisitInline]


@admin.register(models.AttendanceRecord)
class AttendanceRecordAdmin(admin.ModelAdmin):
    list_display = ["situation", "grid", "occurred_on", "attended_on", "attendee"]
    list_filter = ["situation"]
    raw_id_fields = ["grid", "household", "attendee"]


@admin.register(models.VolunteerOrg)
class VolunteerOrgAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "area_code"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "street", "community"]


admin.site.register(models.VolunteerSkill)


@admin.register(models.VolunteerTeam)
class VolunteerTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "field", "brand", "founded_on"]
    list_filter = ["field", "brand"]
    search_fields = ["name"]
    raw_id_fields = ["org"]


@admin.register(models.Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "community", "registered_on", "active"]
    search_fields = ["full_name", "phone"]
    raw_id_fields = ["community", "teams"]
    filter_horizontal = ["skills"]


class SignupInline(admin.TabularInline):
    model = models.ActivitySignup
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(models.VolunteerActivity)
class VolunteerActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "starts_at", "capacity", "status"]
    list_filter = ["status"]
    raw_id_fields = ["team", "community"]
    readonly_fields = ["status"]  # moved on only through its workflow
    inlines = [SignupInline]


class CarePairingInline(admin.TabularInline):
    model = models.CarePairing
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(models.CareTarget)
class CareTargetAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "building", "entrance", "floor", "active"]
    list_filter = ["kind", "active"]
    raw_id_fields = ["grid"]
    inlines = [CarePairingInline]


@admin.register(models.CareContact)
class CareContactAdmin(admin.ModelAdmin):
    list_display = ["pairing", "contacted_on", "mode", "concern_raised"]
    raw_id_fields = ["pairing"]


class ParticipantInline(admin.TabularInline):
    model = models.MeetingParticipant
    extra = 0
    raw_id_fields = ["owners_committee", "property_company"]


class FollowUpInline(admin.TabularInline):
    model = models.FollowUpAction
    extra = 0
    readonly_fields = ["status"]  # moved on only through its workflow


@admin.register(models.DeliberationMeeting)
class DeliberationMeetingAdmin(admin.ModelAdmin):
    list_display = ["topic", "community", "held_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["community", "created_by"]
    readonly_fields = ["status"]  # moved on only through its workflow
    inlines = [ParticipantInline, FollowUpInline]


class MilestoneInline(admin.TabularInline):
    model = models.MatterMilestone
    extra = 0


class CommentInline(admin.TabularInline):
    model = models.MatterComment
    extra = 0


@admin.register(models.PracticalMatter)
class PracticalMatterAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "year", "status", "is_key", "budget"]
    list_filter = ["status", "year", "is_key", "source"]
    search_fields = ["title", "tracking_code", "community__name"]
    raw_id_fields = ["community"]
    readonly_fields = ["tracking_code", "status"]  # the status moves only through its workflow
    inlines = [MilestoneInline, CommentInline]


@admin.register(models.MatterRating)
class MatterRatingAdmin(admin.ModelAdmin):
    list_display = ["matter", "score", "created_at"]
    raw_id_fields = ["matter"]


# --- community structures (三位一体, 四方共建) --------------------------------------------------------


@admin.register(models.BodyPost)
class BodyPostAdmin(admin.ModelAdmin):
    list_display = ["community", "body", "title", "staff"]
    list_filter = ["body", "title"]
    search_fields = ["community__name", "staff__full_name"]
    raw_id_fields = ["community", "staff"]


class CompoundBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "compound", "community", "starts_on", "ends_on"]
    list_filter = ["ends_on"]
    search_fields = ["name", "compound", "community__name"]
    raw_id_fields = ["community"]
    list_select_related = ["community"]


class OwnersCommitteeContactInline(admin.TabularInline):
    model = models.BodyContact
    fk_name = "owners_committee"
    exclude = ["property_company"]
    extra = 0


class PropertyCompanyContactInline(admin.TabularInline):
    model = models.BodyContact
    fk_name = "property_company"
    exclude = ["owners_committee"]
    extra = 0


@admin.register(models.OwnersCommittee)
class OwnersCommitteeAdmin(CompoundBodyAdmin):
    inlines = [OwnersCommitteeContactInline]


@admin.register(models.PropertyCompany)
class PropertyCompanyAdmin(CompoundBodyAdmin):
    inlines = [PropertyCompanyContactInline]
