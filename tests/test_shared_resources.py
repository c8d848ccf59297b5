"""The print file moves each page's resource dictionary into an object of its own, written once per
distinct dictionary: the dictionary is found by its nesting, whatever it holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handouts.render.pdf.combined import _shared_resources

NAMES = st.from_regex(rb"/[A-Za-z][A-Za-z0-9+]{0,6}", fullmatch=True)
VALUES = st.recursive(
    st.one_of(NAMES, st.integers(0, 999).map(lambda n: b"%d 0 R" % n), st.integers(-99, 999).map(b"%d".__mod__)),
    lambda inner: st.one_of(
        st.lists(st.tuples(NAMES, inner), max_size=4).map(
            lambda pairs: b"<<\n" + b" ".join(k + b" " + v for k, v in pairs) + b"\n>>"),
        st.lists(inner, max_size=4).map(lambda items: b"[ " + b" ".join(items) + b" ]")),
    max_leaves=12)
DICTIONARIES = st.lists(st.tuples(NAMES, VALUES), max_size=5).map(
    lambda pairs: b"<<\n" + b" ".join(k + b" " + v for k, v in pairs) + b"\n>>")


class _Written:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return 40 + len(self.objects)


@given(DICTIONARIES, st.sampled_from([b"", b" /Trans <<\n\n>>"]), st.sampled_from([b"", b"/Rotate 0 "]))
def test_a_page_s_resources_become_one_object(resources: bytes, transition: bytes, after: bytes) -> None:
    written = _Written()
    page = b"<<\n/Contents 5 0 R /MediaBox [ 0 0 612 792 ]" + transition + b" /Resources " + resources + \
        b" " + after + b"/Type /Page\n>>"
    moved = _shared_resources(page, written)
    assert written.objects == [resources]
    left = b" " if transition else b""  # the empty transition goes, the space before it stays
    assert moved == (b"<<\n/Contents 5 0 R /MediaBox [ 0 0 612 792 ]" + left + b" /Resources 41 0 R " + after
                     + b"/Type /Page\n>>")


@given(DICTIONARIES)
def test_resources_holding_a_string_are_left_in_the_page(resources: bytes) -> None:
    written = _Written()
    page = b"<< /Resources " + resources[:-2] + b"/Note (a >> b) >> /Type /Page >>"
    assert _shared_resources(page, written) == page and not written.objects
