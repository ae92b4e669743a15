"""Checklist data files: each validates, broken copies fail naming file, entry and rule, the lists
match the method (s003, s000), and the rendered markup keeps the contract the page script relies on."""

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import PluginError

from catalog import checklists
from catalog.datafiles import DataFileError
from macros import checklists as checklist_macros
from tools import checklist_pages

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "checklists"
# The checklists with a page of their own (the case record is a form on the navigator's record page).
PAGED = sorted(p.stem for p in DATA.glob("*.yml") if "\nkind: record" not in p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def specs():
    return checklists.load_all()


def group(spec, gid):
    return [g for g in spec["groups"] if g["id"] == gid][0]


def texts(items):
    return [i["text"] for i in items]


def with_role(spec, role):
    return [i for g in spec["groups"] for i in g["items"] if i.get("role") == role]


def test_the_directory_is_read_and_a_repeated_item_is_refused_naming_file_entry_and_rule(specs, tmp_path):
    for path in DATA.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "crisis.yml").unlink()
    assert set(checklists.load_all(tmp_path)) == set(specs) - {"crisis"}
    intake = yaml.safe_load((DATA / "intake.yml").read_text(encoding="utf-8"))
    repeated = intake["groups"][0]["items"][0]
    intake["groups"][0]["items"].append(dict(repeated))
    (tmp_path / "intake.yml").write_text(yaml.safe_dump(intake, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        checklists.load_all(tmp_path)
    error = caught.value
    assert error.path == tmp_path / "intake.yml" and error.rule == "条目编号在本清单中重复"
    assert error.entry == f"intake / 组 {intake['groups'][0]['id']} / 条目 {repeated['id']}"
    assert "intake.yml" in str(error) and error.entry in str(error)


# The method's lists, with the number the method gives (s003 unless noted).
LENGTHS = [
    ("服务计划的七项内容", "service_plan", ("role", "plan_content"), 7),
    ("对社会工作者的五项要求", "service_plan", ("role", "worker_requirement"), 5),
    ("面谈内外的四项安排", "session_habits", ("group", "habits"), 4),
    ("服务协议的五个部分", "agreement", ("group", "parts"), 5),
    ("五种专业角色", "intervention", ("group", "roles"), 5),
    ("评估的三种方法", "evaluation", ("group", "methods"), 3),
    ("可以结案的五种情形", "closing", ("role", "closing_situation"), 5),
    ("结案的四项处置", "closing", ("role", "closing_step"), 4),
    ("结案的三种形式", "closing", ("role", "closing_form"), 3),
    ("跟踪服务的三项任务", "follow_up", ("group", "tasks"), 3),
    ("允许转介的两种情形", "intake", ("role", "referral_reason"), 2),
    ("接案的四项内容", "intake", ("group", "tasks"), 4),
    ("推进服务的三条原则", "intervention", ("group", "principles"), 3),
    ("接纳、无条件关怀、真诚", "intervention", ("group", "relationship"), 3),
    ("成效评估的三项内容", "evaluation", ("group", "contents"), 3),
    ("收集资料的四种途径", "assessment", ("group", "info_sources"), 4),
    ("四类需求（s000）", "assessment", ("group", "needs"), 4),
    ("问题诊断的四项内容", "assessment", ("group", "diagnosis"), 4),
    ("优势评估的三组因素（s000）", "strengths", ("group", "factors"), 3),
    ("总体、短期、长期目标（s000）", "strengths", ("group", "goals"), 3),
    ("九条姑息治疗原则（s000）", "palliative_audit", ("group", "principles"), 9),
    ("信息支持下的八项资源（s000）", "resource_map", ("group", "information"), 8),
    ("小组工作的五个时期（MZ/T 095）", "group_plan", ("group", "stages"), 5),
]


@pytest.mark.parametrize("label, sid, where, count", LENGTHS, ids=[x[0] for x in LENGTHS])
def test_list_lengths_match_the_method(specs, label, sid, where, count):
    kind, name = where
    items = with_role(specs[sid], name) if kind == "role" else group(specs[sid], name)["items"]
    assert len(items) == count, f"{label}：{texts(items)}"


def test_role_items_sit_in_their_own_group(specs):
    """Each decision list is one group, so the page shows it as one block."""
    for sid, gid, role in [
        ("service_plan", "contents", "plan_content"),
        ("service_plan", "requirements", "worker_requirement"),
        ("closing", "situations", "closing_situation"),
        ("closing", "steps", "closing_step"),
        ("closing", "forms", "closing_form"),
        ("intake", "referral", "referral_reason"),
    ]:
        assert group(specs[sid], gid)["items"] == with_role(specs[sid], role)


def test_resource_map_has_the_five_kinds_and_named_resources(specs):
    spec = specs["resource_map"]
    kinds = [g["title"].split("：")[0] for g in spec["groups"]]
    assert kinds == ["经济支持", "照顾支持", "信息支持", "精神支持", "社会交往支持"]
    named = "".join(texts(i for g in spec["groups"] for i in g["items"]))
    for word in [
        "低保",
        "大病救助",
        "廉租房",
        "公益慈善组织",
        "义工",
        "社区服务机构",
        "家政",
        "就业",
        "爱心募捐",
        "减压小组",
    ]:
        assert word in named, word
    assert {f["group"] for f in spec["fields"]} == {g["id"] for g in spec["groups"]}


def test_needs_domains_and_record_sections(specs):
    needs = texts(group(specs["assessment"], "needs")["items"])
    assert [t.split("：")[0] for t in needs] == ["生理需求", "心理需求", "社会需求", "灵性需求"]
    labels = [f["label"] for f in specs["case_record"]["fields"]]
    for section in ["基本情况", "主要问题", "背景和经历", "能力和资源", "诊断"]:
        assert section in labels


def test_group_plan_follows_the_five_periods_and_screens_members(specs):
    """The worksheet walks MZ/T 095's five periods in order, screens members, and plans for safety;
    it has no decision, because a plan's quality is not a count of ticks."""
    spec = specs["group_plan"]
    periods = [t.split("：")[0] for t in texts(group(spec, "stages")["items"])]
    assert periods == ["筹备期", "形成期", "转折期", "成熟期", "结束期"]
    assert "decision" not in spec and not with_role(spec, "plan_content")
    member_items = "".join(texts(group(spec, "members")["items"]))
    assert "筛选" in member_items and "退出" in member_items
    safety = "".join(texts(group(spec, "safety")["items"]))
    assert "保密" in safety and "轻生" in safety
    assert "e-mzt095" in spec["sources"]
    assert {link["target"].partition("#")[0] for link in spec["links"]} >= {"ethics/groups.md"}
    assert {f["group"] for f in spec["fields"]} <= {g["id"] for g in spec["groups"]}


def test_hospital_tools_keep_their_lists_in_one_group_each(specs):
    """The crisis and discharge decisions read roles; each role is one block on the page."""
    steps = [
        i
        for r in ("emergency_step", "safety_step", "report_step", "immediate_step")
        for i in with_role(specs["crisis"], r)
    ]
    assert sorted(i["id"] for i in group(specs["crisis"], "immediate")["items"]) == sorted(i["id"] for i in steps)
    for sid, gid, role in [
        ("crisis", "after", "follow_step"),
        ("discharge", "factors", "risk_factor"),
    ]:
        assert group(specs[sid], gid)["items"] == with_role(specs[sid], role)
    indicators = with_role(specs["crisis"], "risk_indicator") + with_role(specs["crisis"], "emergency_indicator")
    assert {i["id"] for i in group(specs["crisis"], "indicators")["items"]} == {i["id"] for i in indicators}
    situations = {i["id"] for i in with_role(specs["resources"], "situation")}
    for programme in specs["resources"]["programmes"]:
        assert set(programme["when_any"]) <= situations and programme["who"] and programme["reason"]


def test_programme_table_renders_every_programme(env, specs):
    out = env.render("practice/checklists/resources.md", "programme_table", "resources")
    for programme in specs["resources"]["programmes"]:
        assert programme["title"] in out and programme["who"] in out
    assert out.count("\n| ") == len(specs["resources"]["programmes"]) + 1


def test_every_checklist_has_its_page_made_from_its_data():
    made = checklist_pages.pages(checklists.load_all(), ROOT / "docs")
    for path in sorted(DATA.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if spec.get("kind") == "record":
            page = ROOT / "docs" / "practice" / "case-record.md"
            assert "case_record_form()" in page.read_text(encoding="utf-8")
            assert f"practice/checklists/{spec['id']}.md" not in made
            continue
        text = made[f"practice/checklists/{spec['id']}.md"]
        assert text.startswith(f'# {spec["title"]}\n\n!!! abstract "提要"\n    {spec["page"]["abstract"]}\n'), path
        assert spec["intro"].strip() in text and f"适用阶段：{spec['stage']}。" in text
        assert f'checklist("{spec["id"]}")' in text
        assert text.rstrip().endswith("sources(" + ", ".join(f'"{s}"' for s in spec["sources"]) + ") }}")
        assert f"checklists/{spec['id']}.md)" in made["practice/SUMMARY.md"]


def test_a_written_checklist_page_is_refused(tmp_path):
    (tmp_path / "practice" / "checklists").mkdir(parents=True)
    checklist_pages.check_docs(tmp_path)
    (tmp_path / "practice" / "checklists" / "intake.md").write_text("# 接案清单\n", encoding="utf-8")
    with pytest.raises(PluginError, match="data/checklists/intake.yml"):
        checklist_pages.check_docs(tmp_path)


# ---------------------------------------------------------------- broken copies


def broken(tmp_path, name, mutate):
    """A copy of the checklist folder in which `name` has been changed by `mutate(data)`."""
    folder = tmp_path / "checklists"
    shutil.copytree(DATA, folder)
    path = folder / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def expect_error(folder, file_name, entry, rule):
    with pytest.raises(DataFileError) as info:
        checklists.load_all(folder)
    error = info.value
    assert error.path.name == file_name
    assert entry in str(error.entry), error
    assert rule in error.rule, error
    assert file_name in str(error) and rule in str(error)
    return error


def _duplicate(data):
    items = group(data, "contents")["items"]
    items[1]["id"] = items[0]["id"]


def _duplicate_across_groups(data):
    group(data, "steps")["items"][0]["id"] = "goals_met"


def _set(key, value):
    def mutate(data):
        data[key] = value

    return mutate


def _drop(key):
    def mutate(data):
        del data[key]

    return mutate


def _link(target):
    def mutate(data):
        data["links"][0]["target"] = target

    return mutate


def _empty_group(data):
    data["groups"][0]["items"] = []


def _role_without_decision(data):
    data["groups"][0]["items"][0]["role"] = "closing_step"


def _foreign_role(data):
    data["groups"][0]["items"][0]["role"] = "plan_content"


def _no_reasons(data):
    for item in group(data, "referral")["items"]:
        del item["role"]


def _typo(data):
    data["groups"][0]["items"][0]["hnit"] = "typo"


def _field_group(data):
    data["fields"][0]["group"] = "nowhere"


BROKEN = [
    ("page missing", "intake", _drop("page"), "intake", "缺少 page"),
    ("page without abstract", "intake", lambda d: d["page"].pop("abstract"), "page", "abstract"),
    ("unknown printing tip", "intake", lambda d: d["page"].update(print="poster"), "print", "blank_form"),
    (
        "page method to a missing page",
        "crisis",
        lambda d: d["page"]["method"].update(target="x/nope.md"),
        "method",
        "不存在",
    ),
    ("page on the case record", "case_record", _set("page", {"abstract": "x"}), "case_record", "不能写 page"),
    ("duplicate item id", "service_plan", _duplicate, "basic_info", "重复"),
    ("duplicate item id across groups", "closing", _duplicate_across_groups, "goals_met", "重复"),
    ("unknown decision", "closing", _set("decision", "closure_magic"), "closing", "未知的判断规则"),
    ("missing title", "intake", _drop("title"), "intake", "缺少必填字段 “title”"),
    ("empty group", "agreement", _empty_group, "parts", "空组"),
    ("no groups", "agreement", _set("groups", []), "agreement", "至少要有一组"),
    ("unknown stage", "agreement", _set("stage", "随访"), "agreement", "阶段"),
    ("id differs from file name", "agreement", _set("id", "contract"), "contract", "文件名"),
    ("unknown source", "agreement", _set("sources", ["s999"]), "agreement", "s999"),
    ("link with scheme", "intake", _link("https://example.org/a.md"), "链接 1", "格式不对"),
    ("link leaving docs", "intake", _link("../casework/intake.md"), "链接 1", "格式不对"),
    ("absolute link", "intake", _link("/casework/intake.md"), "链接 1", "格式不对"),
    ("link not to a page", "intake", _link("casework/intake.html"), "链接 1", "格式不对"),
    ("link to a missing page", "intake", _link("casework/nope.md#x"), "链接 1", "不存在"),
    ("links not a list", "intake", _set("links", "casework/intake.md"), "intake", "links"),
    ("role without decision", "agreement", _role_without_decision, "goals", "没有判断规则"),
    ("role of another decision", "intake", _foreign_role, "request", "不属于判断规则"),
    ("decision without its items", "intake", _no_reasons, "intake", "referral_reason"),
    ("misspelt field", "intake", _typo, "request", "未知字段 hnit"),
    ("field in unknown group", "assessment", _field_group, "need_physical", "nowhere"),
    ("bad id", "agreement", lambda d: group(d, "parts")["items"][0].update(id="Goals-1"), "Goals-1", "小写字母"),
    ("order not an integer", "agreement", _set("order", "5"), "agreement", "整数"),
    (
        "programme names an unknown situation",
        "resources",
        lambda d: d["programmes"][0].update(when_any=["no_such_situation"]),
        "enrol",
        "no_such_situation",
    ),
    (
        "programme rule-out names a non-situation",
        "resources",
        lambda d: d["programmes"][1].update(unless_any=["nowhere"]),
        "settle",
        "nowhere",
    ),
    (
        "programme without conditions",
        "resources",
        lambda d: d["programmes"][0].update(when_any=[]),
        "enrol",
        "when_any",
    ),
    ("programme without a reason", "resources", lambda d: d["programmes"][0].pop("reason"), "enrol", "reason"),
    ("duplicate programme id", "resources", lambda d: d["programmes"][1].update(id="enrol"), "enrol", "重复"),
    ("resource finder without programmes", "resources", _drop("programmes"), "resources", "programmes"),
    ("programmes on another decision", "closing", _set("programmes", []), "closing", "programmes"),
]


@pytest.mark.parametrize("label, name, mutate, entry, rule", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_copy_names_file_entry_rule(tmp_path, label, name, mutate, entry, rule):
    expect_error(broken(tmp_path, name, mutate), f"{name}.yml", entry, rule)


def test_yaml_syntax_error_names_the_file(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(DATA, folder)
    (folder / "intake.yml").write_text("id: intake\ngroups: [\n", encoding="utf-8")
    expect_error(folder, "intake.yml", "行", "YAML 格式错误")


# ---------------------------------------------------------------- rendered markup


class FakeFile:
    def __init__(self, src_uri):
        self.src_uri = src_uri


class FakePage:
    def __init__(self, src_uri):
        self.file = FakeFile(src_uri)
        self.meta = {}


class FakeEnv:
    """Just enough of mkdocs-macros' env: macros are collected, the current page can be set."""

    def __init__(self):
        self.macros = {}
        self.page = None

    def macro(self, fn):
        self.macros[fn.__name__] = fn
        return fn

    def render(self, src_uri, name, *args):
        self.page = FakePage(src_uri)
        return self.macros[name](*args)


class Markup(HTMLParser):
    """Collects controls, labels, ids and checklist roots from rendered HTML."""

    def __init__(self):
        super().__init__()
        self.roots, self.ids, self.label_for, self.controls, self.results = [], [], set(), [], []
        self.open_labels = 0
        self.cases = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if "data-checklist" in a:
            self.roots.append(a)
        if "data-case-store" in a:
            self.cases += 1
        if "data-checklist-result" in a:
            self.results.append(a)
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "textarea", "select"):
            self.controls.append((tag, a, self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def parse(markdown):
    parser = Markup()
    parser.feed(markdown)
    return parser


@pytest.fixture(scope="module")
def env():
    fake = FakeEnv()
    checklist_macros.register(fake)
    return fake


@pytest.mark.parametrize("sid", PAGED)
def test_checklist_markup_contract(env, specs, sid):
    spec = specs[sid]
    out = env.render(f"practice/checklists/{sid}.md", "checklist", sid)
    markup = parse(out)
    assert len(markup.roots) == 1
    root = markup.roots[0]
    assert root["class"].split()[0] == "hb-checklist" and root["data-checklist"] == sid
    assert root.get("data-decision") == spec.get("decision")
    assert len(markup.results) == (1 if spec.get("decision") else 0)
    if markup.results:
        assert markup.results[0].get("aria-live") == "polite" and "hb-checklist__result" in markup.results[0]["class"]
    boxes = [a for tag, a, _ in markup.controls if tag == "input" and a.get("type") == "checkbox"]
    assert [a["data-check"] for a in boxes] == [i["id"] for g in spec["groups"] for i in g["items"]]
    areas = [a for tag, a, _ in markup.controls if tag == "textarea"]
    assert sorted(a["data-field"] for a in areas) == sorted(f["id"] for f in spec.get("fields") or [])
    for _tag, attrs, inside_label in markup.controls:  # every control labelled
        assert inside_label or attrs.get("id") in markup.label_for, attrs
    assert len(markup.ids) == len(set(markup.ids))
    assert all(i.startswith(f"cl-{sid}-") for i in markup.ids)
    for link in spec.get("links") or []:  # method links stay Markdown, relative to the page
        target = link["target"]
        assert f"]({'../../' + target})" in out
    assert not re.search(r"\n\s*\n", out.split(f'data-checklist="{sid}"')[1].split("\n</div>")[0])


def test_navigator_embeds_each_stage_once(env, specs):
    out = env.render("practice/navigator.md", "case_navigator")
    markup = parse(out)
    assert out.lstrip().startswith('<div class="hb-cases" data-case-store>')
    assert markup.cases == 1 and "身份证号" in out.split("</div>")[0]
    embedded = [r["data-checklist"] for r in markup.roots]
    stages = [s for s in checklists.STAGES if s != "跨阶段"]
    expected = [s["id"] for stage in checklist_macros.NAVIGATOR for s in checklists.ordered(specs, stage["stages"])]
    assert embedded == expected and len(embedded) == len(set(embedded))
    assert {specs[i]["stage"] for i in embedded} == set(stages)
    assert len(markup.ids) == len(set(markup.ids))
    headings = re.findall(r"^## (.+)$", out, flags=re.M)
    assert headings[:6] == ["接案", "预估", "计划", "介入", "评估", "结案"]
    assert "](../casework/intake.md#转介的两种情形)" in out
    assert "](../casework/closing.md#可以结案的五种情形)" in out
    for spec in checklists.ordered(specs, ("跨阶段",)):
        assert f"](checklists/{spec['id']}.md)" in out


def test_case_record_form(env):
    out = env.render("practice/case-record.md", "case_record_form")
    markup = parse(out)
    assert [r["data-checklist"] for r in markup.roots] == ["case_record"]
    areas = [a for tag, a, _ in markup.controls if tag == "textarea"]
    assert {"basic", "main_problems", "background", "abilities_resources", "diagnosis"} <= {
        a["data-field"] for a in areas
    }
    for _tag, attrs, inside_label in markup.controls:
        assert inside_label or attrs.get("id") in markup.label_for, attrs


def test_same_checklist_twice_on_a_page_is_an_error(env):
    env.render("practice/checklists/intake.md", "checklist", "intake")
    with pytest.raises(DataFileError, match="两次"):
        env.macros["checklist"]("intake")


def test_unknown_checklist_is_an_error(env):
    with pytest.raises(DataFileError, match="没有这个清单"):
        env.render("practice/index.md", "checklist", "nope")


def test_index_lists_every_tool(env, specs):
    out = env.render("practice/index.md", "checklist_index")
    for spec in checklists.ordered(specs):
        assert f"](checklists/{spec['id']}.md)" in out
    assert "](navigator.md)" in out and "](case-record.md)" in out
