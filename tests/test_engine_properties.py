"""Property tests: whatever the answers, score() returns a well-formed result or raises ScoreError.

How many examples each test draws is the hypothesis profile's (tests/conftest.py): a sample on every commit,
the long run with `make test-slow`."""

import math

from hypothesis import given
from hypothesis import strategies as st

from catalog import instruments
from engine import instruments as rules
from engine import scoring

SPECS = instruments.load_all()
IDS = sorted(SPECS)
RESULT_KEYS = {"complete", "total", "subscales", "band", "flags", "missing"}

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["", " ", "3", " 2 ", "2.0", "-1", "1e3", "NaN", "４", "٣"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@st.composite
def any_answers(draw):
    spec = SPECS[draw(st.sampled_from(IDS))]
    keys = [item["key"] for item in spec["items"]]
    key = st.one_of(st.sampled_from(keys), st.text(max_size=3), st.integers(-2, 30), st.booleans())
    return spec, draw(st.dictionaries(key, junk, max_size=len(keys) + 2))


@st.composite
def valid_answers(draw):
    spec = SPECS[draw(st.sampled_from(IDS))]
    answers = {}
    for item in spec["items"]:
        choice = draw(st.one_of(st.none(), st.sampled_from(rules.allowed_values(item))))
        if choice is not None or draw(st.booleans()):
            answers[item["key"]] = choice
    return spec, answers


def check_well_formed(spec, result):
    assert set(result) == RESULT_KEYS
    assert isinstance(result["complete"], bool)
    keys = [item["key"] for item in spec["items"]]
    assert result["missing"] == [k for k in keys if k in result["missing"]]  # form order, no strangers
    known_flags = [f["id"] for f in spec.get("flags", [])] + ["prorated"]
    assert all(f in known_flags for f in result["flags"]) and len(set(result["flags"])) == len(result["flags"])
    assert set(result["subscales"]) <= {sub["id"] for sub in spec.get("subscales", [])}
    if not result["complete"]:
        assert result["total"] is None and result["band"] is None
        assert result["missing"]
        return
    total = result["total"]
    assert isinstance(total, (int, float)) and not isinstance(total, bool) and math.isfinite(total)
    scale = 10 ** rules.decimals(spec)
    low, high = rules.score_range(spec)
    assert low / scale <= total <= high / scale
    if spec["bands"]:
        band = spec["bands"][result["band"]["index"]]
        assert band["min"] <= total <= band["max"] and result["band"]["label"] == band["label"]
    else:
        assert result["band"] is None
    if result["missing"]:
        assert "prorated" in result["flags"]


@given(any_answers())
def test_any_input_gives_result_or_score_error(case):
    spec, answers = case
    try:
        result = scoring.score(spec, answers)
    except scoring.ScoreError as error:
        assert str(error) and not str(error).isascii()  # a Chinese message
        return
    check_well_formed(spec, result)


@given(valid_answers())
def test_valid_answers_always_score(case):
    spec, answers = case
    result = scoring.score(spec, answers)
    check_well_formed(spec, result)
    answered = {k for k, v in answers.items() if v is not None}
    required = [i["key"] for i in rules.required_items(spec)]
    if set(required) <= answered:
        assert result["complete"] and result["missing"] == []


@given(valid_answers(), st.randoms())
def test_order_of_answers_does_not_matter(case, rnd):
    spec, answers = case
    items = list(answers.items())
    rnd.shuffle(items)
    assert scoring.score(spec, dict(items)) == scoring.score(spec, answers)


@given(valid_answers(), st.data())
def test_raising_one_answer_never_lowers_the_complete_total(case, data):
    """More on a normally keyed item → same or higher total; on a reversed item → same or lower."""
    spec, answers = case
    full = {item["key"]: answers.get(item["key"]) for item in spec["items"]}
    for item in rules.required_items(spec):
        if full[item["key"]] is None:
            full[item["key"]] = rules.allowed_values(item)[0]
    item = data.draw(st.sampled_from(rules.required_items(spec)))
    values = rules.allowed_values(item)
    before = scoring.score(spec, full)["total"]
    full[item["key"]] = values[-1]
    after = scoring.score(spec, full)["total"]
    if item["key"] in spec.get("reverse", []):
        assert after <= before
    else:
        assert after >= before


@given(valid_answers(), valid_answers())
def test_compare_and_summary_never_crash(first, second):
    spec, answers = first
    other = second[1] if second[0] is spec else answers
    before = scoring.score(spec, answers)
    after = scoring.score(spec, other)
    change = scoring.compare(spec, before, after)
    assert isinstance(change["text"], str) and change["text"]
    assert change["comparable"] is (before["complete"] and after["complete"])
    if change["comparable"]:
        assert abs(change["change"] - (after["total"] - before["total"])) < 1e-9
        # The sentence names both totals exactly as the page shows them.
        for result in (before, after):
            assert scoring.shown(spec, result)["total"].rstrip(spec["scoring"].get("unit", "")) in change["text"]
    line = scoring.summary_line(spec, after, "2026-11-24")
    assert line.startswith(spec["names"]["abbr"]) and line.endswith("。") and "\n" not in line
