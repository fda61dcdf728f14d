"""Reference and demo data of the orgs app (idempotent: upserts by natural key).

Reference data, always loaded: the district incubation centre and its two bases (双榆树 1,100 m²,
金源 700 m²; the centre's floor area is not in the source and is a placeholder), the catalogue of
purchasable services, the budgets of the innovation fund (40 M yuan a year since 2011) and of the
awards (1.2 M yuan a year), the organisation members' group, and the daily overdue-application job.
Demo data (``demo=True``): the source's 729 registered organisations (social groups and private
non-enterprise units) and 2,288 community organisations filed at streets, a few pending
applications in 学院路 (some past their limit), 117 purchased projects since 2011 totalling just
over 10 M yuan, 1.2 M yuan of awards a year (the whole awards budget of each year), the innovation
fund's 219 projects supported since 2011 and this year's open call with applications in every
status before the decision, tenancies, incubation services and complaints; and in each demo street
(``grids.demo``) an organisation in every status, a purchased project contracted,
accepted or terminated, and complaints received, under investigation and closed.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.calendar import add_working_days
from core.schedules import schedule_daily
from grids.demo import DEMO_STREETS
from grids.models import Community, Grid
from grids.seeding import SeedReport, upsert_by_key

from .models import (
    Award,
    CatalogueItem,
    Complaint,
    FundApplication,
    FundBudget,
    FundCall,
    FundMilestone,
    IncubationService,
    IncubationSite,
    ProjectMilestone,
    PurchaseProject,
    SocialOrganisation,
    Tenancy,
    credit_code_check_char,
)
from .roles import sync_member_group
from .services import APPROVAL_LIMIT_WORKING_DAYS, organisations_flag_overdue
from .tasks import OVERDUE_APPLICATIONS_TASK

Org = SocialOrganisation
REGISTERED_SOCIAL_GROUPS, REGISTERED_NON_ENTERPRISE, FILED_COMMUNITY = 281, 448, 2288  # 729 registered
PROJECTS, PROJECT_BUDGET_TOTAL = 117, Decimal("10260000")
AWARDS_PER_YEAR, AWARD_AMOUNT = 24, Decimal("50000")  # 1.2 M yuan a year
AWARDS_BUDGET, AWARDS_BUDGET_YEARS = Decimal("1200000"), 5  # this year and the four the demo has awarded
# 加强和创新社会管理专项资金: 40 M yuan a year since 2011; 219 projects supported.
INNOVATION_BUDGET, INNOVATION_SINCE, INNOVATION_PROJECTS = Decimal("40000000"), 2011, 219
INNOVATION_AMOUNTS = [Decimal(n) for n in ("600000", "900000", "1200000", "1500000", "1800000", "2400000")]
INNOVATION_SCOPE = ("基本公共服务创新类、社会治理类、基层服务管理创新类、扶持引导社会组织发展类、社会领域党建创新类、"
                    "社会治理研究及决策咨询类项目。")
INNOVATION_TITLES = {
    FundApplication.Category.PUBLIC_SERVICE: "社区公共服务供给创新",
    FundApplication.Category.GOVERNANCE: "多元共治议事协商",
    FundApplication.Category.GRASSROOTS: "网格化服务管理精细化",
    FundApplication.Category.ORGANISATIONS: "社区社会组织培育孵化",
    FundApplication.Category.PARTY_BUILDING: "楼宇党建服务站建设",
    FundApplication.Category.RESEARCH: "社会治理创新决策咨询研究",
}

SITES = [
    # code, name, kind, area (m²), street name, address
    ("centre", "海淀区社会组织孵化中心", IncubationSite.Kind.CENTRE, 1500, "海淀街道", "海淀区社会组织服务中心内"),
    ("shuangyushu", "双榆树社会组织孵化基地", IncubationSite.Kind.BASE, 1100, "中关村街道", "双榆树社区"),
    ("jinyuan", "金源社会组织孵化基地", IncubationSite.Kind.BASE, 700, "曙光街道", "金源商务区"),
]
CATALOGUE = [
    ("elderly-home-care", "居家养老上门服务", CatalogueItem.Field.ELDERLY),
    ("elderly-day-care", "社区日间照料", CatalogueItem.Field.ELDERLY),
    ("elderly-meals", "老年餐桌运营", CatalogueItem.Field.ELDERLY),
    ("disability-rehab", "残疾人社区康复", CatalogueItem.Field.DISABILITY),
    ("disability-employment", "残疾人就业辅导", CatalogueItem.Field.DISABILITY),
    ("youth-afterschool", "青少年课后托管", CatalogueItem.Field.CHILDREN_YOUTH),
    ("children-protection", "困境儿童关爱保护", CatalogueItem.Field.CHILDREN_YOUTH),
    ("governance-deliberation", "社区议事协商能力建设", CatalogueItem.Field.COMMUNITY_GOVERNANCE),
    ("governance-volunteers", "志愿服务组织培育", CatalogueItem.Field.COMMUNITY_GOVERNANCE),
    ("social-work-assistance", "社会救助对象帮扶", CatalogueItem.Field.SOCIAL_WORK),
    ("social-work-correction", "社区矫正帮教", CatalogueItem.Field.SOCIAL_WORK),
    ("culture-reading", "社区阅读推广", CatalogueItem.Field.CULTURE_EDUCATION),
    ("health-chronic", "慢病管理健康促进", CatalogueItem.Field.HEALTH),
    ("environment-sorting", "垃圾分类宣传指导", CatalogueItem.Field.ENVIRONMENT),
]
THEMES = {
    Org.Field.TRADE: ["软件行业协会", "电子商会", "餐饮行业协会", "物业管理协会", "文化创意产业协会"],
    Org.Field.SCIENCE: ["科普协会", "人工智能研究会", "青少年科技中心", "创新创业促进会", "信息技术研究院"],
    Org.Field.CHARITY: ["公益服务中心", "慈善协会", "助残服务中心", "阳光公益社", "爱心救助中心"],
    Org.Field.COMMUNITY_SERVICE: ["社区服务中心", "居家养老服务中心", "社会工作事务所", "家庭服务中心", "邻里互助中心"],
    Org.Field.OTHER: ["书画研究会", "校友会", "体育俱乐部", "文化交流促进会", "摄影家协会"],
}
COMMUNITY_THEMES = ["书画社", "合唱团", "太极队", "读书会", "巡逻队", "编织社", "环保小队", "舞蹈队", "棋牌社",
                    "调解小组"]


def _short(name: str) -> str:
    return name.removesuffix("街道").removesuffix("镇")


def seed(demo: bool = False) -> SeedReport:
    report = SeedReport()
    with transaction.atomic():
        streets = {g.name: g.id for g in Grid.objects.filter(level=Grid.Level.STREET)}
        report.add("incubation sites", upsert_by_key(IncubationSite, "code", [
            {"code": code, "name": name, "kind": kind, "area_m2": area, "street_id": streets.get(street),
             "address": address} for code, name, kind, area, street, address in SITES
        ]))
        report.add("service catalogue", upsert_by_key(CatalogueItem, "code", [
            {"code": code, "name": name, "field": field} for code, name, field in CATALOGUE
        ]))
        report.add("fund budgets", _seed_budgets())
        sync_member_group()
        report.add("periodic tasks", schedule_daily(name="orgs: flag overdue registration applications",
                                                    task=OVERDUE_APPLICATIONS_TASK, hour=1, minute=20))
    if demo:
        with transaction.atomic():
            report.add("organisations", _seed_organisations())
            report.add("purchased projects", _seed_projects())
            report.add("awards", _seed_awards())
            report.add("innovation fund", _seed_innovation_history())
            report.add("this year's call", _seed_innovation_call())
            report.add("incubation", _seed_incubation())
            report.add("demo streets", _seed_demo_streets())
        organisations_flag_overdue()  # what the daily job would do, so the demo shows it at once
    return report


def _credit_code(prefix: str, serial: int) -> str:
    first17 = f"{prefix}{settings.DISTRICT_CODE}MJ{serial:07d}"
    return first17 + credit_code_check_char(first17)


def _seed_organisations() -> tuple[int, int]:
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code"))
    communities = list(Community.objects.order_by("code").values_list("id", "code", "street_id", "name"))
    today = timezone.localdate()
    rows = []
    fields = list(THEMES)
    for serial in range(REGISTERED_SOCIAL_GROUPS + REGISTERED_NON_ENTERPRISE):
        kind = Org.Kind.SOCIAL_GROUP if serial < REGISTERED_SOCIAL_GROUPS else Org.Kind.PRIVATE_NON_ENTERPRISE
        field = fields[serial % len(fields)]
        street = streets[serial % len(streets)]
        applied = date(2008 + serial % 17, 1 + serial % 12, 1 + serial % 27)
        route = Org.route_for(kind, field)
        rows.append({
            "name": f"北京市海淀区{_short(street.name)}{THEMES[field][serial // len(fields) % 5]}{serial + 1:03d}",
            "kind": kind, "field": field, "route": route, "status": Org.Status.ACTIVE,
            "street_id": street.id, "community_id": None, "area_code": street.code,
            "purpose": "依法开展与本组织宗旨相关的服务活动。", "legal_representative": f"负责人{serial + 1:03d}",
            "contact_phone": f"010-6{serial:07d}", "address": f"海淀区{_short(street.name)}", "applied_on": applied,
            "decision_due_on": add_working_days(applied, APPROVAL_LIMIT_WORKING_DAYS[route]),
            "decided_on": applied + timedelta(days=7), "activated_on": applied + timedelta(days=30),
            "registration_number": _credit_code("51" if kind == Org.Kind.SOCIAL_GROUP else "52", serial + 1),
        })
    street_names = {street.id: street.name for street in streets}
    seen = set()
    for serial in range(FILED_COMMUNITY):
        community_id, code, street_id, name = communities[serial % len(communities)]
        applied = date(2012 + serial % 13, 1 + serial % 12, 1 + serial % 27)
        org_name = f"{name}{COMMUNITY_THEMES[serial // len(communities) % len(COMMUNITY_THEMES)]}"
        if org_name in seen:  # two streets share a short name (海淀街道, 海淀镇)
            org_name = f"{street_names[street_id]}{org_name}"
        seen.add(org_name)
        rows.append({
            "name": org_name,
            "kind": Org.Kind.COMMUNITY, "field": Org.Field.COMMUNITY_SERVICE, "route": Org.Route.FILING,
            "status": Org.Status.FILED, "street_id": street_id, "community_id": community_id,
            "area_code": code[:9], "purpose": "丰富社区居民生活，开展邻里互助。",
            "legal_representative": f"居民{serial + 1:04d}", "contact_phone": f"138{serial:08d}",
            "address": name, "applied_on": applied,
            "decision_due_on": add_working_days(applied, APPROVAL_LIMIT_WORKING_DAYS[Org.Route.FILING]),
            "decided_on": applied + timedelta(days=3), "activated_on": None,
            "registration_number": f"BA{code[:9]}{serial + 1:05d}",
        })
    # Pending applications in 学院路, two of them past their limit.
    xueyuanlu = next(s for s in streets if s.code == "110108009")
    for index, (days_ago, kind, field) in enumerate(((2, Org.Kind.SOCIAL_GROUP, Org.Field.CHARITY),
                                                     (20, Org.Kind.PRIVATE_NON_ENTERPRISE, Org.Field.SCIENCE),
                                                     (15, Org.Kind.COMMUNITY, Org.Field.COMMUNITY_SERVICE))):
        applied = today - timedelta(days=days_ago)
        route = Org.route_for(kind, field)
        due = add_working_days(applied, APPROVAL_LIMIT_WORKING_DAYS[route])
        rows.append({
            "name": f"学院路待审组织{index + 1}", "kind": kind, "field": field, "route": route,
            "status": Org.Status.APPLIED, "street_id": xueyuanlu.id, "community_id": None,
            "area_code": xueyuanlu.code, "purpose": "申请登记，开展公益服务。", "legal_representative": "申请人",
            "contact_phone": "13900000000", "address": "学院路", "applied_on": applied, "decision_due_on": due,
            "decided_on": None, "activated_on": None, "registration_number": "",
        })
    existing = set(Org.objects.filter(name__startswith="学院路待审组织").values_list("name", flat=True))
    rows = [row for row in rows if row["name"] not in existing]  # pending ones keep whatever staff did
    return upsert_by_key(Org, "name", rows)


def _seed_projects() -> tuple[int, int]:
    providers = list(Org.objects.filter(status=Org.Status.ACTIVE, kind=Org.Kind.PRIVATE_NON_ENTERPRISE)
                     .order_by("id").values_list("id", flat=True)[:60])
    items = {code: pk for code, pk in CatalogueItem.objects.values_list("code", "id")}
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code").values_list("id", "code"))
    this_year = timezone.localdate().year
    weights = [1 + (i * 7) % 5 for i in range(PROJECTS)]
    rows = []
    allotted = Decimal("0")
    for serial in range(PROJECTS):
        year = 2011 + serial * (this_year - 2011 + 1) // PROJECTS
        budget = (PROJECT_BUDGET_TOTAL * weights[serial] / sum(weights)).quantize(Decimal("1"))
        if serial == PROJECTS - 1:
            budget = PROJECT_BUDGET_TOTAL - allotted
        allotted += budget
        code, name, _field = CATALOGUE[serial % len(CATALOGUE)]
        street_id, street_code = streets[serial % len(streets)]
        done = year < this_year
        score = 70 + (serial * 13) % 30
        rows.append({
            "code": f"gp-{year}-{serial + 1:03d}", "title": f"{year}年{name}项目", "item_id": items[code],
            "year": year, "budget": budget, "provider_id": providers[serial % len(providers)],
            "street_id": street_id, "area_code": street_code, "starts_on": date(year, 3, 1),
            "ends_on": date(year, 12, 31),
            "status": PurchaseProject.Status.ASSESSED if done else PurchaseProject.Status.IN_PROGRESS,
            "accepted_on": date(year, 12, 31) if done else None, "acceptance_note": "按合同验收合格" if done else "",
            "assessment_score": score if done else None,
            "assessment_grade": PurchaseProject.grade_for(score) if done else "",
        })
    counts = upsert_by_key(PurchaseProject, "code", rows)
    for project in PurchaseProject.objects.filter(code__startswith="gp-", milestones__isnull=True):
        ProjectMilestone.objects.bulk_create([
            ProjectMilestone(project=project, title="中期评估", due_on=date(project.year, 7, 1),
                             done_on=date(project.year, 7, 1) if project.status != "in_progress" else None),
            ProjectMilestone(project=project, title="结项验收", due_on=date(project.year, 12, 31),
                             done_on=project.accepted_on),
        ])
    return counts


def _seed_awards() -> tuple[int, int]:
    winners = list(Org.objects.filter(status=Org.Status.ACTIVE).order_by("id").values_list("id", flat=True)[:200])
    titles = list(Award.Title)
    this_year = timezone.localdate().year
    created = 0
    for year in range(this_year - 4, this_year):
        for index in range(AWARDS_PER_YEAR):
            _award, made = Award.objects.get_or_create(
                year=year, organisation_id=winners[(year * 7 + index) % len(winners)],
                title=titles[index % len(titles)],
                defaults={"amount": AWARD_AMOUNT},
            )
            created += made
    return created, 0


def _seed_budgets() -> tuple[int, int]:
    """The two programmes' budgets, created for the years that have none (a budget staff changed stays)."""
    this_year = timezone.localdate().year
    wanted = [(FundBudget.Programme.INNOVATION, year, INNOVATION_BUDGET)
              for year in range(INNOVATION_SINCE, this_year + 1)]
    wanted += [(FundBudget.Programme.AWARDS, year, AWARDS_BUDGET)
               for year in range(this_year - AWARDS_BUDGET_YEARS + 1, this_year + 1)]
    existing = set(FundBudget.objects.values_list("programme", "year"))
    rows = [FundBudget(programme=programme, year=year, amount=amount)
            for programme, year, amount in wanted if (programme, year) not in existing]
    FundBudget.objects.bulk_create(rows)
    return len(rows), 0


def innovation_call_title(year: int) -> str:
    return f"{year}年度加强和创新社会管理专项资金项目申报指南"


def _seed_innovation_history() -> tuple[int, int]:
    """The 219 projects supported since 2011, one call a year, each completed with its two instalments
    released (bulk inserts: a few queries, whatever the count)."""
    this_year = timezone.localdate().year
    years = list(range(INNOVATION_SINCE, this_year))
    if FundCall.objects.filter(title=innovation_call_title(years[0])).exists():
        return 0, 0
    calls = FundCall.objects.bulk_create([
        FundCall(title=innovation_call_title(year), year=year, opens_on=date(year, 3, 1),
                 closes_on=date(year, 4, 30), budget_share=INNOVATION_BUDGET, scope=INNOVATION_SCOPE)
        for year in years])
    organisations = list(Org.objects.filter(status=Org.Status.ACTIVE).order_by("id")
                         .values_list("id", "area_code")[:120])
    communities = list(Grid.objects.filter(kind=Grid.Kind.COMMUNITY).order_by("code")
                       .values_list("id", "code")[:120])
    categories = list(INNOVATION_TITLES)
    applications = []
    for serial in range(INNOVATION_PROJECTS):
        call = calls[serial * len(calls) // INNOVATION_PROJECTS]
        category = categories[serial % len(categories)]
        amount = INNOVATION_AMOUNTS[serial * 5 % len(INNOVATION_AMOUNTS)]
        by_community = serial % 3 == 2
        org_id, org_area = organisations[serial % len(organisations)]
        grid_id, grid_code = communities[serial % len(communities)]
        applications.append(FundApplication(
            call=call, organisation_id=None if by_community else org_id,
            community_grid_id=grid_id if by_community else None, area_code=grid_code if by_community else org_area,
            title=f"{call.year}年{INNOVATION_TITLES[category]}项目{serial + 1:03d}", category=category,
            plan="按申报书实施，分中期和结项两个阶段。", amount_requested=amount,
            status=FundApplication.Status.COMPLETED,
            submitted_on=date(call.year, 4, 1), average_score=Decimal(28 + serial % 11),
            awarded_amount=amount, decided_on=date(call.year, 5, 31)))
    applications = FundApplication.objects.bulk_create(applications)
    FundMilestone.objects.bulk_create([
        FundMilestone(application=application, sequence=sequence, title=title, due_on=due,
                      instalment=application.awarded_amount / 2, status=FundMilestone.Status.RELEASED,
                      report="已按计划完成。", reported_on=due, released_on=due)
        for application in applications
        for sequence, title, due in ((1, "中期评估", date(application.call.year, 9, 30)),
                                     (2, "结项验收", date(application.call.year, 12, 31)))])
    return len(applications), 0


# This year's call in the demo streets: (applies as, status); none decided yet, so 219 stay supported.
DEMO_FUND_APPLICATIONS = [
    ("organisation", FundApplication.Status.DRAFT),
    ("community", FundApplication.Status.SUBMITTED),
    ("community", FundApplication.Status.UNDER_REVIEW),
]


def _seed_innovation_call() -> tuple[int, int]:
    """This year's call, open now, with applications from the demo streets waiting at each step before the
    decision."""
    today = timezone.localdate()
    title = innovation_call_title(today.year)
    if FundCall.objects.filter(title=title).exists():
        return 0, 0
    call = FundCall.objects.create(title=title, year=today.year, opens_on=today - timedelta(days=20),
                                   closes_on=today + timedelta(days=40), budget_share=INNOVATION_BUDGET,
                                   scope=INNOVATION_SCOPE)
    categories = list(INNOVATION_TITLES)
    rows = []
    for index, demo_street in enumerate(DEMO_STREETS):
        organisation = Org.objects.filter(status=Org.Status.ACTIVE, area_code=demo_street.code).order_by("id").first()
        grid = Grid.objects.filter(kind=Grid.Kind.COMMUNITY, code__startswith=demo_street.code).order_by("code").first()
        for serial, (applies_as, status) in enumerate(DEMO_FUND_APPLICATIONS):
            by_community = applies_as == "community" or organisation is None
            category = categories[(index + serial) % len(categories)]
            rows.append(FundApplication(
                call=call, organisation=None if by_community else organisation,
                community_grid=grid if by_community else None,
                area_code=grid.code if by_community else organisation.area_code,
                title=f"{_short(demo_street.name)}{INNOVATION_TITLES[category]}项目",
                category=category, plan="调研居民需求，建立议事机制，培育骨干队伍，形成可推广的经验。",
                amount_requested=INNOVATION_AMOUNTS[(index + serial) % len(INNOVATION_AMOUNTS)], status=status,
                submitted_on=None if status == FundApplication.Status.DRAFT else today - timedelta(days=5)))
    applications = FundApplication.objects.bulk_create(rows)
    FundMilestone.objects.bulk_create([
        FundMilestone(application=application, sequence=sequence, title=title, due_on=today + timedelta(days=days))
        for application in applications
        for sequence, title, days in ((1, "中期评估", 150), (2, "结项验收", 300))])
    return len(applications), 0


def _seed_incubation() -> tuple[int, int]:
    if Tenancy.objects.exists():
        return 0, 0
    rng = random.Random("incubation")
    today = timezone.localdate()
    tenants = list(Org.objects.filter(kind=Org.Kind.PRIVATE_NON_ENTERPRISE, status=Org.Status.ACTIVE)
                   .order_by("-id")[:18])
    sites = list(IncubationSite.objects.order_by("kind", "code"))
    created = 0
    for index, organisation in enumerate(tenants):
        site = sites[index % len(sites)]
        Tenancy.objects.create(site=site, organisation=organisation, room=f"{100 + index}",
                               area_m2=rng.randint(30, 80), starts_on=today - timedelta(days=200 + index),
                               ends_on=today + timedelta(days=500))
        for kind in list(IncubationService.Kind)[: 1 + index % 4]:
            IncubationService.objects.create(site=site, organisation=organisation, kind=kind,
                                             provided_on=today - timedelta(days=rng.randint(1, 150)),
                                             hours=Decimal(rng.choice(["2", "3", "4.5", "8"])))
        created += 1
    complaint_orgs = Org.objects.filter(status=Org.Status.FILED, area_code="110108009").order_by("id")[:3]
    for organisation in complaint_orgs:
        Complaint.objects.create(organisation=organisation, channel=Complaint.Channel.HOTLINE,
                                 content="该组织活动噪音扰民，且收取会员费未公示。", complainant_name="匿名")
    return created, 0


# In each demo street, beside the source's figures: (kind, field, theme, status, days ago it applied).
DEMO_ORGANISATIONS = [
    (Org.Kind.COMMUNITY, Org.Field.COMMUNITY_SERVICE, "邻里互助会", Org.Status.APPLIED, 3),
    (Org.Kind.SOCIAL_GROUP, Org.Field.CHARITY, "助老公益协会", Org.Status.APPLIED, 40),  # past its limit
    (Org.Kind.PRIVATE_NON_ENTERPRISE, Org.Field.SCIENCE, "青少年科创服务中心", Org.Status.REGISTERED, 30),
    (Org.Kind.SOCIAL_GROUP, Org.Field.OTHER, "收藏爱好者协会", Org.Status.REJECTED, 60),
    (Org.Kind.PRIVATE_NON_ENTERPRISE, Org.Field.COMMUNITY_SERVICE, "家政培训学校", Org.Status.DEREGISTERED, 2000),
]
DEMO_PROJECT_STATUSES = [PurchaseProject.Status.CONTRACTED, PurchaseProject.Status.ACCEPTED,
                         PurchaseProject.Status.TERMINATED]
DEMO_COMPLAINTS = [
    (Complaint.Status.RECEIVED, Complaint.Channel.ONLINE, "以组织名义收取培训费后未开课。"),
    (Complaint.Status.INVESTIGATING, Complaint.Channel.LETTER, "活动场地长期堆放杂物，占用楼道。"),
    (Complaint.Status.CLOSED, Complaint.Channel.HOTLINE, "负责人变更后未向街道备案。"),
]


def _seed_demo_streets() -> tuple[int, int]:
    """Created once each (looked up by name, code or content): whatever staff do with them in the
    demo afterwards stays."""
    streets = {g.code: g for g in Grid.objects.filter(code__in=[s.code for s in DEMO_STREETS])}
    today = timezone.localdate()
    created = 0
    for index, demo_street in enumerate(DEMO_STREETS):
        street = streets[demo_street.code]
        created += _seed_demo_organisations(street, index, today)
        created += _seed_demo_project(street, index, today)
        created += _seed_demo_complaints(street, index, today)
    return created, 0


def _seed_demo_organisations(street, index: int, today) -> int:
    existing = set(Org.objects.filter(street=street, name__startswith=f"北京市海淀区{_short(street.name)}")
                   .values_list("name", flat=True))
    community = Community.objects.filter(street=street).order_by("code").first()
    rows = []
    for serial, (kind, field, theme, status, days_ago) in enumerate(DEMO_ORGANISATIONS):
        name = f"北京市海淀区{_short(street.name)}{theme}"
        if name in existing:
            continue
        route = Org.route_for(kind, field)
        applied = today - timedelta(days=days_ago)
        number = ""
        if status in (Org.Status.REGISTERED, Org.Status.DEREGISTERED):
            number = _credit_code("51" if kind == Org.Kind.SOCIAL_GROUP else "52", 900 + index * 10 + serial)
        gone = status == Org.Status.DEREGISTERED
        rows.append(Org(
            name=name, kind=kind, field=field, route=route, status=status, street=street,
            community=community if kind == Org.Kind.COMMUNITY else None, area_code=street.code,
            purpose="开展邻里互助、为老服务和青少年课外活动。",
            legal_representative=f"{_short(street.name)}负责人{serial + 1}",
            contact_phone=f"1390000{index:02d}{serial:02d}", address=f"海淀区{_short(street.name)}",
            applied_on=applied, decision_due_on=add_working_days(applied, APPROVAL_LIMIT_WORKING_DAYS[route]),
            decided_on=None if status == Org.Status.APPLIED else applied + timedelta(days=12),
            registration_number=number,
            rejection_reason="章程规定的业务范围与登记的业务主管单位不符。" if status == Org.Status.REJECTED else "",
            activated_on=applied + timedelta(days=40) if gone else None,
            deregistered_on=today - timedelta(days=90) if gone else None,
            deregistration_reason="理事会决议终止，已完成清算。" if gone else "",
        ))
    Org.objects.bulk_create(rows)
    return len(rows)


def _seed_demo_project(street, index: int, today) -> int:
    code = f"dp-{today.year}-{street.code}"
    if PurchaseProject.objects.filter(code=code).exists():
        return 0
    status = DEMO_PROJECT_STATUSES[index % len(DEMO_PROJECT_STATUSES)]
    provider = Org.objects.filter(status=Org.Status.ACTIVE, kind=Org.Kind.PRIVATE_NON_ENTERPRISE).order_by("id")[index]
    item_code, name, _field = CATALOGUE[(index * 5) % len(CATALOGUE)]
    accepted = status == PurchaseProject.Status.ACCEPTED
    # Signed and starting in a fortnight; ran its course and was accepted last week; stopped half-way.
    starts, ends = (today + timedelta(days=days) for days in {
        PurchaseProject.Status.CONTRACTED: (14, 300), PurchaseProject.Status.ACCEPTED: (-300, -10),
        PurchaseProject.Status.TERMINATED: (-120, 180)}[status])
    project = PurchaseProject.objects.create(
        code=code, title=f"{starts.year}年{_short(street.name)}{name}项目",
        item=CatalogueItem.objects.get(code=item_code),
        year=starts.year, budget=Decimal(200000 + 50000 * index), provider=provider, street=street,
        area_code=street.code, starts_on=starts, ends_on=ends, status=status,
        accepted_on=today - timedelta(days=5) if accepted else None,
        acceptance_note="服务记录齐全，居民满意度调查合格。" if accepted else "",
        termination_reason="承接机构人员流失，无法继续履约，经协商解除合同。"
        if status == PurchaseProject.Status.TERMINATED else "",
    )
    ProjectMilestone.objects.bulk_create([
        ProjectMilestone(project=project, title="中期评估", due_on=starts + timedelta(days=120),
                         done_on=starts + timedelta(days=118) if accepted else None),
        ProjectMilestone(project=project, title="结项验收", due_on=ends,
                         done_on=today - timedelta(days=5) if accepted else None),
    ])
    return 1


def _seed_demo_complaints(street, index: int, today) -> int:
    organisations = list(Org.objects.filter(status=Org.Status.FILED, street=street).order_by("id")[3:6])
    created = 0
    for organisation, (status, channel, content) in zip(organisations, DEMO_COMPLAINTS, strict=False):
        if Complaint.objects.filter(organisation=organisation, content=content).exists():
            continue
        closed = status == Complaint.Status.CLOSED
        Complaint.objects.create(
            organisation=organisation, channel=channel, content=content, complainant_name="居民",
            received_at=timezone.now() - timedelta(days=20 if closed else 6 - index % 3), status=status,
            finding=Complaint.Finding.UPHELD if closed else "",
            measure=Complaint.Measure.RECTIFICATION if closed else "",
            result="已约谈负责人，责令十个工作日内补办变更备案，已整改完毕。" if closed else "",
            closed_on=today - timedelta(days=8) if closed else None)
        created += 1
    return created
