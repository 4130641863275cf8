"""The frozen frame file and the published proof file: the draw from the file is the draw from the
rows, and the file's fast layout is byte for byte the plain one, whatever the fields hold."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import proof_file, target_frames, targets
from spotcheck.draw.verify import verify, verify_file

#: Fields as DRAW-SPEC allows them: anything but a tab, a newline or "|" (quotes, backslashes,
#: control characters and CJK included, which JSON must escape or keep).
FIELD = st.text(st.characters(blacklist_characters="\t\n|", blacklist_categories=("Cs",)), min_size=1, max_size=6)
ROWS = st.lists(
    st.tuples(st.sampled_from(["SCJ", "YJJ"]), st.sampled_from(["A", "B", "flagged"]), FIELD),
    unique_by=lambda row: row,
    max_size=40,
)
NONCE = bytes(range(32))


def rules_for(rows):
    return {
        group: {"A": {"count": 2}, "B": {"ratio_bp": 3000, "min": 1}, "flagged": {"count": 1}} for group, _, _ in rows
    }


@settings(max_examples=150, deadline=None)
@given(ROWS, st.lists(FIELD, max_size=3))
def test_the_draw_from_the_frame_file_is_the_draw_from_the_rows(rows, inputs):
    rules = rules_for(rows)
    plain = targets.draw_targets(
        campaign="市监抽〔2026〕1号", nonce=NONCE, frame=rows, rules=rules, reserve_size=2, public_inputs=inputs
    )
    file = target_frames.frame_file(rows)
    from_file = targets.draw_targets_from_file(
        campaign="市监抽〔2026〕1号", nonce=NONCE, frame_file=file, rules=rules, reserve_size=2, public_inputs=inputs
    )
    assert from_file == {k: v for k, v in plain.items() if k != "frame"}
    assert [cell for cell, _ in target_frames.parse_frame_file(file)] == sorted({(g, s) for g, s, _ in rows})
    published = proof_file.dumps(from_file, file)
    assert published == proof_file.dumps(plain)  # the fast layout is the plain one
    assert proof_file.loads(published) == plain
    assert all(check.ok for check in verify(proof_file.loads(published)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(FIELD, min_size=2, max_size=4).map("\t".join), unique=True, max_size=30))
def test_inspector_frame_lines_are_written_as_the_plain_layout(lines):
    lines = sorted(lines)
    file = "".join(line + "\n" for line in lines).encode("utf-8")
    proof = {"algorithm": "spotcheck-draw/1", "kind": "inspectors", "teams": {}}
    published = proof_file.dumps(proof, file)
    assert published == proof_file.dumps(dict(proof, frame_lines=lines))
    assert proof_file.loads(published)["frame_lines"] == lines


def test_the_proof_file_has_a_row_per_line_in_the_order_of_the_spec():
    rows = [("SCJ", "A", "91330100MA2XXXXX0X"), ("SCJ", "A", "91330100MA2XXXXX1X"), ("SCJ", "B", "X")]
    proof = targets.draw_targets(
        campaign="c", nonce=NONCE, frame=rows, rules=rules_for(rows), reserve_size=1, public_inputs=["observer:王某"]
    )
    text = proof_file.dumps(proof).decode("utf-8")
    assert '\n["SCJ", "A", "91330100MA2XXXXX1X"],\n' in text and "王某" in text
    keys = list(json.loads(text))
    assert keys.index("seed") < keys.index("frame") < keys.index("rules") < keys.index("selected")


@pytest.mark.parametrize(
    "file, why",
    [
        (b"SCJ\tA\tb\nSCJ\tA\ta\n", "not sorted"),
        (b"SCJ\tA\ta\nSCJ\tA\ta\n", "not sorted"),
        (b"SCJ\tB\ta\nSCJ\tA\tb\n", "not sorted"),
        (b"SCJ\tA\ta\nSCJ\tB\tx\nSCJ\tA\tb\n", "malformed or not sorted"),
        (b"SCJ\tA\ta", "newline"),
        (b"SCJ\tA\n", "malformed"),
        (b"SCJ\tA\ta|b\n", "'|'"),
        (b"SCJ\tA\t\n", "malformed"),
    ],
)
def test_a_frame_file_out_of_order_or_malformed_is_refused(file, why):
    with pytest.raises(ValueError, match=why):
        target_frames.parse_frame_file(file)


#: What can be done to a written proof file: nothing, or what a forger or a careless editor might do.
CHANGES = ("none", "id", "order", "repeat", "escape", "nested", "twice", "reformat", "kind")


def _changed(data: bytes, change: str) -> bytes:
    text = data.decode("utf-8")
    start, end = text.index('"frame": [') + len('"frame": '), text.index("\n]", text.index('"frame": [')) + 2
    rows = json.loads(text[start:end])
    if change == "id" and rows:
        rows[0][2] += "X"
    elif change == "order" and len(rows) > 1:
        rows[0], rows[-1] = rows[-1], rows[0]
    elif change == "repeat" and rows:
        rows.append(list(rows[0]))
    elif change == "escape" and rows:
        rows[0][2] += '"'
    elif change == "nested":  # a "frame" of rules' own, before the proof's: the proof's frame is still its own
        return text.replace('"frame": [', '"frame_note": {"frame": []},\n"frame": [', 1).encode("utf-8")
    elif change == "twice":  # the frame listed twice: JSON keeps the last
        return text.replace('\n"rules":', f'\n"frame": {json.dumps(rows[1:])},\n"rules":', 1).encode("utf-8")
    elif change == "reformat":
        return json.dumps(json.loads(text), ensure_ascii=True).encode("utf-8")
    elif change == "kind":
        return text.replace('"kind": "targets"', '"kind": "inspectors"', 1).encode("utf-8")
    if change in ("none", "id", "order", "repeat", "escape"):
        body = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]" if rows else "[]"
        return (text[:start] + body + text[end:]).encode("utf-8")
    return data


@settings(max_examples=120, deadline=None)
@given(ROWS.filter(lambda rows: len(rows) > 1), st.sampled_from(CHANGES))
def test_a_proof_file_read_as_written_verifies_as_its_json_does(tmp_path_factory, rows, change):
    """verify_file reads a proof written by the platform without turning its frame into rows: its checks and
    verdicts are those of the same file read as JSON, whether the file is as written or changed."""
    rules = rules_for(rows)
    proof = targets.draw_targets(
        campaign="市监抽〔2026〕1号",
        nonce=NONCE,
        frame=rows,
        rules=rules,
        reserve_size=1,
        public_inputs=["人大代表 0301"],
    )
    frame = target_frames.frame_file(rows)
    del proof["frame"]
    data = _changed(proof_file.dumps(proof, frame), change)
    path = tmp_path_factory.mktemp("proof") / "PROOF.json"
    path.write_bytes(data)
    as_read = [(c.name, c.ok, c.detail) for c in verify_file(str(path))]
    assert as_read == [(c.name, c.ok, c.detail) for c in verify(json.loads(data.decode("utf-8")))]
    assert all(ok for _, ok, _ in as_read) == (change in ("none", "reformat", "order"))  # rows in any order
    if change == "none" and not any(c in json.dumps(rows, ensure_ascii=False) for c in '"\\'):
        assert proof_file.split_frame(data) is not None  # read without turning the frame into rows


#: The bytes that make a frame's rows ambiguous: quotes, brackets, commas, spaces, newlines, tabs, a backslash.
AMBIGUOUS = st.binary(max_size=40).map(lambda raw: bytes(b'"[], \n\t\\a'[byte % 9] for byte in raw))


@pytest.mark.seconds(2.8)
@settings(max_examples=3000, deadline=None)
@given(AMBIGUOUS)
def test_a_frames_rows_are_taken_as_written_exactly_when_writing_them_back_gives_the_same_bytes(body):
    """split_frame counts the breaks between rows where it wrote the frame's rows again and compared them: the two
    take the same rows, whatever quotes, brackets, commas, tabs and newlines the rows hold."""
    frame = body.replace(proof_file._ROW_BREAK, b"\n").replace(proof_file._FIELD_BREAK, b"\t") + b"\n"
    plain = not proof_file._needs_escaping(frame)
    written_back = (
        proof_file._plain_frame_json("targets", frame) == proof_file._ROWS_OPEN + body + proof_file._ROWS_CLOSE
    )
    assert (plain and proof_file._breaks_only(body)) == (plain and written_back)
    assert proof_file._needs_escaping(frame) == bool(proof_file._NEEDS_ESCAPING.search(frame))


#: Rows of three fields that may hold the breaks' bytes (and a backslash), joined as dumps joins them.
BROKEN_ROWS = st.lists(
    st.lists(AMBIGUOUS.filter(bool), min_size=3, max_size=3).map(proof_file._FIELD_BREAK.join), min_size=1, max_size=4
).map(proof_file._ROW_BREAK.join)


@pytest.mark.seconds(12)
@settings(max_examples=3000, deadline=None)
@given(st.one_of(AMBIGUOUS, BROKEN_ROWS))
def test_rows_read_by_their_breaks_alone_are_the_rows_written_back_or_none(body):
    """split_frame reads the rows by the breaks' bytes alone (bytes.translate) only when replacing the breaks gives the
    same rows and writing them back gives the same bytes — a field holding a quote, a comma or a space is never
    taken for a break (``SCJ"Q, "A`` keeps its quote and falls back to the replacements)."""
    rows = proof_file._rows_by_their_breaks(body)
    if rows is not None:
        assert rows == body.replace(proof_file._ROW_BREAK, b"\n").replace(proof_file._FIELD_BREAK, b"\t")
        assert proof_file._breaks_only(body)
        assert (
            proof_file._plain_frame_json("targets", rows + b"\n")
            == proof_file._ROWS_OPEN + body + proof_file._ROWS_CLOSE
        )


@given(
    st.lists(
        st.lists(st.text("SCJA0123456789MX中文（）-_", min_size=1, max_size=8), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    )
)
def test_rows_whose_fields_hold_no_break_are_read_by_their_breaks(rows):
    frame = "".join("\t".join(row) + "\n" for row in rows).encode("utf-8")
    body = proof_file._plain_frame_json("targets", frame)[len(proof_file._ROWS_OPEN) : -len(proof_file._ROWS_CLOSE)]
    assert proof_file._rows_by_their_breaks(body) + b"\n" == frame


def test_a_quote_beside_a_break_is_not_taken_for_part_of_it():
    body = b'SCJ"Q, "A", "91X'
    assert proof_file._rows_by_their_breaks(body) is None
    assert proof_file._rows_by_their_breaks(b'SCJ", "A", "91X"],\n["SCJ", "A", "92Y') == b"SCJ\tA\t91X\nSCJ\tA\t92Y"
