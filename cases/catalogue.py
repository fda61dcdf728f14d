"""The seeded case catalogue: classes and subclasses with tier, department and step limits.

After the national city-management classification (components 部件 / events 事件) plus the ten
grid work contents (网格十大工作内容). Limits are working hours for normal cases (8 = one working
day); urgent cases use the tighter clock-hour limits. ``must_report`` ties a subclass to one of
the nine must-report items (九必报), in the order of the source's footnote.

Residents (the public report page, Open311) may choose the city-management components and events
— litter, roads, lighting, green space, noise, street order… — but not the grid work, whose
subjects are population records, security, corrections and petitions: staff report those.
"""

# The kinds of class whose subclasses residents may report themselves.
RESIDENT_KINDS = ("component", "event")

# (code, name, kind)
CLASSES = [
    ("C01", "公用设施", "component"),
    ("C02", "道路交通", "component"),
    ("C03", "市容环境", "component"),
    ("C04", "园林绿化", "component"),
    ("C05", "房屋土地", "component"),
    ("C06", "其他设施", "component"),
    ("E01", "市容环境", "event"),
    ("E02", "宣传广告", "event"),
    ("E03", "施工管理", "event"),
    ("E04", "突发事件", "event"),
    ("E05", "街面秩序", "event"),
    ("E06", "其他事件", "event"),
    ("G01", "掌握基础数据", "grid_work"),
    ("G02", "反映群众诉求", "grid_work"),
    ("G03", "提供社会服务", "grid_work"),
    ("G04", "管理实有人口", "grid_work"),
    ("G05", "协调城市运行", "grid_work"),
    ("G06", "维护治安秩序", "grid_work"),
    ("G07", "排查化解矛盾", "grid_work"),
    ("G08", "落实矫正帮教", "grid_work"),
    ("G09", "指导安全生产", "grid_work"),
    ("G10", "引导社会参与", "grid_work"),
]

# (code, name, default tier, department code or "", handling limit in working hours,
#  urgent handling limit in hours, must-report item or None)
SUBCLASSES = [
    ("C0101", "井盖破损或丢失", "small", "urban_command", 8, 2, None),
    ("C0102", "路灯损坏", "small", "urban_command", 24, 8, None),
    ("C0103", "消防栓损坏", "small", "fire", 16, 4, None),
    ("C0104", "公厕设施损坏", "small", "sanitation", 16, 4, None),
    ("C0201", "交通信号灯故障", "large", "traffic", 8, 2, None),
    ("C0202", "道路护栏损坏", "small", "traffic", 24, 8, None),
    ("C0203", "交通标志损坏", "small", "traffic", 40, 8, None),
    ("C0204", "盲道破损", "small", "urban_command", 40, 8, None),
    ("C0301", "垃圾桶（箱）破损", "micro", "sanitation", 16, 4, None),
    ("C0302", "牌匾标识破损", "small", "urban_enforcement", 40, 8, None),
    ("C0401", "行道树倒伏或死亡", "small", "landscaping", 16, 4, None),
    ("C0402", "绿地设施损坏", "small", "landscaping", 40, 8, None),
    ("C0501", "房屋安全隐患", "large", "housing", 24, 4, None),
    ("C0502", "楼道设施损坏", "micro", "housing", 40, 8, None),
    ("C0601", "健身器材损坏", "micro", "", 40, 8, None),
    ("C0602", "其他公共设施损坏", "micro", "", 24, 8, 1),
    ("E0101", "私搭乱建", "small", "urban_enforcement", 40, 8, None),
    ("E0102", "暴露垃圾", "micro", "sanitation", 4, 2, None),
    ("E0103", "积存垃圾渣土", "small", "sanitation", 8, 4, None),
    ("E0104", "道路不洁", "micro", "sanitation", 8, 2, None),
    ("E0105", "水域不洁", "small", "sanitation", 16, 4, None),
    ("E0106", "社区环境脏乱", "micro", "sanitation", 8, 4, 2),
    ("E0201", "非法小广告", "micro", "urban_enforcement", 8, 4, None),
    ("E0202", "违规户外广告", "small", "urban_enforcement", 40, 8, None),
    ("E0301", "施工扰民", "small", "urban_enforcement", 16, 4, None),
    ("E0302", "道路遗撒", "small", "urban_enforcement", 8, 2, None),
    ("E0303", "无证掘路", "large", "urban_enforcement", 24, 4, None),
    ("E0401", "路面塌陷", "large", "urban_command", 8, 2, None),
    ("E0402", "供水管线破裂", "large", "urban_command", 8, 2, None),
    ("E0403", "燃气泄漏", "large", "fire", 4, 1, None),
    ("E0501", "无照经营游商", "small", "market", 16, 4, None),
    ("E0502", "占道经营", "small", "urban_enforcement", 8, 4, None),
    ("E0503", "非机动车乱停放", "micro", "traffic", 8, 4, None),
    ("E0504", "违章停车", "small", "traffic", 8, 2, None),
    ("E0601", "噪声扰民", "small", "police", 16, 4, None),
    ("E0602", "群租房", "small", "housing", 40, 8, None),
    ("G0101", "基础信息变更", "micro", "statistics", 40, 8, None),
    ("G0102", "新增孕妇信息", "micro", "health", 40, 8, 3),
    ("G0201", "居民意见建议", "micro", "", 40, 8, 9),
    ("G0301", "困难群众救助需求", "small", "hrss", 40, 8, None),
    ("G0302", "居民生活重大变故", "small", "hrss", 24, 4, 5),
    ("G0401", "外来人员流入", "micro", "police", 24, 8, 4),
    ("G0402", "房屋出租登记", "micro", "housing", 40, 8, 6),
    ("G0501", "停水停电协调", "small", "urban_command", 8, 2, None),
    ("G0601", "治安隐患", "small", "police", 8, 2, None),
    ("G0602", "不稳定因素", "small", "police", 8, 2, 8),
    ("G0701", "邻里纠纷", "micro", "justice", 40, 8, None),
    ("G0702", "劳资纠纷", "small", "hrss", 80, 16, None),
    ("G0801", "社区矫正人员异常", "small", "justice", 8, 2, None),
    ("G0901", "安全隐患", "small", "fire", 16, 4, 7),
    ("G0902", "生产经营单位安全检查", "small", "fire", 40, 8, None),
    ("G1001", "志愿服务需求", "micro", "", 40, 8, None),
]

# The routing table's first lines (the admin edits them afterwards). In the small cycle a case goes to its
# department's station in the street where the department keeps one, else to the street section that does that
# department's work; cases of no department go to community building, and in the large cycle to the urban
# command centre.
SECTION_OF_DEPARTMENT = {
    "police": "public_safety",
    "justice": "public_safety",
    "market": "economy",
    "statistics": "economy",
    "traffic": "urban_management",
    "urban_enforcement": "urban_management",
    "urban_command": "urban_management",
    "housing": "urban_management",
    "fire": "work_safety",
    "health": "social_affairs",
    "hrss": "social_affairs",
    "landscaping": "environment",
    "sanitation": "environment",
    "": "community_building",
}
DEPARTMENT_OF_UNOWNED = "urban_command"
