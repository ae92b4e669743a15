"""Practice checklists (data/checklists/*.yml): the schema of a file, its loader and build-time checks.

The decisions themselves live in engine/casework.py; which item means what is marked in the data
(an item's `role`), so the engine never looks at wording. Each checklist of kind `checklist` is a
page made from its file (tools/checklist_pages.py); the case record (kind `record`) is embedded in
a written page.
"""

import re

from catalog.datafiles import DataFileError, check_fields, load_yaml, once_per_version
from catalog.pages import CHECKLIST_PAGES, CHECKLISTS, page_exists
from catalog.references import REFERENCE_FILE, references
from engine import casework

PAGES = CHECKLIST_PAGES + "/"  # each checklist (kind: checklist) has a page <PAGES><id>.md, made from its file

STAGES = ("接案", "预估", "计划", "介入", "资源", "评估", "结案", "跨阶段")
KINDS = ("checklist", "record")
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
# docs-relative page, optional #anchor: no scheme, no leading slash, no "..", ends in .md
LINK_TARGET = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9_\-/.]+\.md(#[^\s#]+)?$")

SPEC_FIELDS = {
    "id": (str, True),
    "title": (str, True),
    "stage": (str, True),
    "order": (int, True),
    "kind": (str, False),
    "summary": (str, True),
    "intro": (str, True),
    "sources": (list, True),
    "decision": (str, False),
    "links": (list, False),
    "groups": (list, True),
    "fields": (list, False),
    "programmes": (list, False),
    "page": (dict, False),
}
# What the checklist's own page says around the checklist (tools/checklist_pages.py makes the page):
# its abstract, a method page for the stage line, whether to point to the case navigator, a notice
# after the intro and a block after the checklist (Markdown), and which printing tip it carries.
PAGE_FIELDS = {
    "abstract": (str, True),
    "method": (dict, False),
    "navigator": (bool, False),
    "notice": (str, False),
    "after": (str, False),
    "print": (str, False),
}
PRINT_TIPS = ("blank_form", "hides_nav", "short", "none")
GROUP_FIELDS = {"id": (str, True), "title": (str, True), "note": (str, False), "items": (list, True)}
ITEM_FIELDS = {"id": (str, True), "text": (str, True), "hint": (str, False), "role": (str, False)}
FIELD_FIELDS = {
    "id": (str, True),
    "label": (str, True),
    "hint": (str, False),
    "multiline": (bool, False),
    "group": (str, False),
}
LINK_FIELDS = {"target": (str, True), "label": (str, True)}
# The resource finder (decision resource_finder): each programme, who runs it, why to look at it, and
# which ticked situations (items with role "situation") bring it up or rule it out.
PROGRAMME_FIELDS = {
    "id": (str, True),
    "title": (str, True),
    "who": (str, True),
    "reason": (str, True),
    "when_any": (list, True),
    "unless_any": (list, False),
}
PROGRAMME_DECISION = "resource_finder"


def _entry(spec_id, *parts):
    return " / ".join([spec_id] + [p for p in parts if p])


def _check_ident(path, entry, value, what):
    if not IDENT.match(value):
        raise DataFileError(path, entry, f"{what} “{value}” 只能用小写字母、数字和下划线，并以字母开头")


def _check_link(path, entry, target):
    if not LINK_TARGET.match(target):
        raise DataFileError(
            path,
            entry,
            f"链接目标 “{target}” 格式不对：应为相对 docs/ 的 .md 路径，可带 #锚点，如 casework/intake.md#转介的两种情形",
        )
    page = target.partition("#")[0]
    if not page_exists(page):
        raise DataFileError(path, entry, f"链接目标 “{target}” 指向的页面 docs/{page} 不存在")


def validate(path, spec, known_sources):
    """Check one checklist file against every rule; return the spec unchanged."""
    check_fields(
        path, "（整个文件）" if not isinstance(spec, dict) else spec.get("id", "（整个文件）"), spec, SPEC_FIELDS
    )
    sid = spec["id"]
    _check_ident(path, sid, sid, "清单编号")
    if sid != path.stem:
        raise DataFileError(path, sid, f"清单编号应与文件名一致（{path.stem}）")
    if spec["stage"] not in STAGES:
        raise DataFileError(path, sid, f"阶段 “{spec['stage']}” 不在 {'、'.join(STAGES)} 之中")
    kind = spec.get("kind", "checklist")
    if kind not in KINDS:
        raise DataFileError(path, sid, f"kind 应为 {' 或 '.join(KINDS)}，实际是 “{kind}”")
    if not spec["sources"]:
        raise DataFileError(path, sid, "sources 至少要有一条来源")
    for source in spec["sources"]:
        if source not in known_sources:
            raise DataFileError(path, sid, f"未知来源编号 {source}（见 data/references.yml）")
    decision = spec.get("decision")
    if decision is not None and decision not in casework.decision_ids():
        raise DataFileError(path, sid, f"未知的判断规则 “{decision}”（可用：{'、'.join(casework.decision_ids())}）")
    allowed = casework.allowed_roles(decision) if decision else []
    for number, link in enumerate(spec.get("links") or [], 1):
        entry = _entry(sid, f"链接 {number}")
        check_fields(path, entry, link, LINK_FIELDS)
        _check_link(path, entry, link["target"])
    if not spec["groups"]:
        raise DataFileError(path, sid, "groups 至少要有一组条目")
    group_ids, item_ids, roles = set(), set(), set()
    for number, group in enumerate(spec["groups"], 1):
        gentry = _entry(sid, f"组 {group.get('id', number) if isinstance(group, dict) else number}")
        check_fields(path, gentry, group, GROUP_FIELDS)
        _check_ident(path, gentry, group["id"], "组编号")
        if group["id"] in group_ids:
            raise DataFileError(path, gentry, "组编号重复")
        group_ids.add(group["id"])
        if not group["items"]:
            raise DataFileError(path, gentry, "组内没有条目（空组）")
        for position, item in enumerate(group["items"], 1):
            ientry = _entry(gentry, f"条目 {item.get('id', position) if isinstance(item, dict) else position}")
            check_fields(path, ientry, item, ITEM_FIELDS)
            _check_ident(path, ientry, item["id"], "条目编号")
            if item["id"] in item_ids:
                raise DataFileError(path, ientry, "条目编号在本清单中重复")
            item_ids.add(item["id"])
            role = item.get("role")
            if role is not None:
                if not decision:
                    raise DataFileError(path, ientry, f"条目标了角色 “{role}”，但清单没有判断规则（decision）")
                if role not in allowed:
                    raise DataFileError(
                        path, ientry, f"角色 “{role}” 不属于判断规则 {decision}（可用：{'、'.join(allowed)}）"
                    )
                roles.add(role)
    for role in casework.required_roles(decision) if decision else []:
        if role not in roles:
            raise DataFileError(path, sid, f"判断规则 {decision} 需要至少一个标为 “{role}” 的条目")
    field_ids = set()
    for number, field in enumerate(spec.get("fields") or [], 1):
        fentry = _entry(sid, f"填写栏 {field.get('id', number) if isinstance(field, dict) else number}")
        check_fields(path, fentry, field, FIELD_FIELDS)
        _check_ident(path, fentry, field["id"], "填写栏编号")
        if field["id"] in field_ids or field["id"] in item_ids:
            raise DataFileError(path, fentry, "填写栏编号重复（与其他填写栏或条目相同）")
        field_ids.add(field["id"])
        if "group" in field and field["group"] not in group_ids:
            raise DataFileError(path, fentry, f"group “{field['group']}” 不是本清单的组编号")
    _check_programmes(path, spec, decision)
    _check_page(path, spec, kind)
    return spec


def _check_page(path, spec, kind):
    sid = spec["id"]
    page = spec.get("page")
    if kind != "checklist":
        if page is not None:
            raise DataFileError(path, sid, "只有 kind 为 checklist 的清单有自己的页面，不能写 page")
        return
    if page is None:
        raise DataFileError(path, sid, "缺少 page（清单页面的提要等，见 docs/contributing.md）")
    check_fields(path, _entry(sid, "page"), page, PAGE_FIELDS)
    if "method" in page:
        check_fields(path, _entry(sid, "page", "method"), page["method"], LINK_FIELDS)
        _check_link(path, _entry(sid, "page", "method"), page["method"]["target"])
    if page.get("print", "blank_form") not in PRINT_TIPS:
        raise DataFileError(path, _entry(sid, "page", "print"), f"print 应为 {'、'.join(PRINT_TIPS)} 之一")


def _check_programmes(path, spec, decision):
    sid = spec["id"]
    programmes = spec.get("programmes")
    if decision != PROGRAMME_DECISION:
        if programmes is not None:
            raise DataFileError(path, sid, f"只有判断规则为 {PROGRAMME_DECISION} 的清单才能列 programmes")
        return
    if not programmes:
        raise DataFileError(path, sid, f"判断规则 {PROGRAMME_DECISION} 需要至少一个项目（programmes）")
    situations = {item["id"] for group in spec["groups"] for item in group["items"] if item.get("role") == "situation"}
    seen = set()
    for number, programme in enumerate(programmes, 1):
        pentry = _entry(sid, f"项目 {programme.get('id', number) if isinstance(programme, dict) else number}")
        check_fields(path, pentry, programme, PROGRAMME_FIELDS)
        _check_ident(path, pentry, programme["id"], "项目编号")
        if programme["id"] in seen:
            raise DataFileError(path, pentry, "项目编号重复")
        seen.add(programme["id"])
        if not programme["when_any"]:
            raise DataFileError(path, pentry, "when_any 至少要列一个情况条目")
        for key in ("when_any", "unless_any"):
            for ident in programme.get(key) or []:
                if ident not in situations:
                    raise DataFileError(path, pentry, f"{key} 中的 “{ident}” 不是本清单中标为 situation 的条目")


@once_per_version(lambda: [*CHECKLISTS.glob("*.yml"), REFERENCE_FILE])
def load_all(directory=None):
    """Every checklist, validated, as {id: spec} (sorted by id); the first broken rule raises DataFileError."""
    directory = CHECKLISTS if directory is None else directory
    known = set(references())
    specs = {}
    for path in sorted(directory.glob("*.yml")):
        spec = load_yaml(path)
        validate(path, spec, known)
        specs[spec["id"]] = spec
    if not specs:
        raise DataFileError(directory, "（整个目录）", "没有任何清单文件")
    return specs


def ordered(specs, stages=None, kind="checklist"):
    """Checklists of the given kind (and stages), by `order` then id."""
    chosen = [
        s for s in specs.values() if s.get("kind", "checklist") == kind and (stages is None or s["stage"] in stages)
    ]
    return sorted(chosen, key=lambda s: (s["order"], s["id"]))
