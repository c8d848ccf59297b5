"""The print file's quick object split gives exactly what the token-by-token split gives."""

from __future__ import annotations

import pytest

from handouts.model.options import PrintOptions
from handouts.render.pdf import own_file
from handouts.run.handout import make_handout


def _both(data: bytes, position: int) -> tuple[own_file.Parts, own_file.Parts]:
    return own_file._split(data, position, whole_object=True), own_file._split_object(data, position)


@pytest.mark.parametrize("changes", [
    pytest.param({}, id="default"),
    pytest.param({"language": "es", "large_print": True}, id="spanish-large"),
])
def test_every_object_of_a_handout_splits_the_same(library, request_for, changes) -> None:  # type: ignore[no-untyped-def]
    pdf = make_handout(request_for(**changes), library=library, options=PrintOptions()).pdf
    read = own_file.OwnFile(pdf)
    for offset in read.offsets.values():
        head = own_file._HEAD.match(pdf, offset)
        assert head is not None
        quick, slow = _both(pdf, head.end())
        assert quick == slow


@pytest.mark.parametrize("body", [
    pytest.param(b"<< /Title (see 1 0 R here) /P 3 0 R >>", id="string"),
    pytest.param(b"<< /T <FEFF0031> /P 3 0 R >>", id="hex-string"),
    pytest.param(b"<< /P 3 0 R % 4 0 R\n>>", id="comment"),
    pytest.param(b"<< /F12 0 R /Kids [4 0 R 5 0 R] /N /stream >>", id="names"),
    pytest.param(b"<< /Length 5 >>\nstream\nab1 0 R\nendstream", id="stream"),
])
def test_unusual_objects_split_the_same(body: bytes) -> None:
    data = b"7 0 obj\n" + body + b"\nendobj\n"
    quick, slow = _both(data, len(b"7 0 obj"))
    assert quick == slow


def test_objects_read_before_are_read_the_same_from_what_was_kept(library, request_for) -> None:  # type: ignore[no-untyped-def]
    first = make_handout(request_for(), library=library, options=PrintOptions(document_id="AAAAAAAAAA")).pdf
    second = make_handout(request_for(patient=request_for().patient.__class__("p-002", "Ana Ruiz")),
                          library=library, options=PrintOptions(document_id="BBBBBBBBBB")).pdf
    own_file._READ.clear()
    fresh = {}
    for pdf in (first, second):
        read = own_file.OwnFile(pdf)
        fresh[pdf] = {number: read.parts(number) for number in read.offsets}
    assert 0 < len(own_file._READ) < sum(len(parts) for parts in fresh.values())  # objects alike were kept once
    for pdf in (second, first):  # read again, now from what was kept
        read = own_file.OwnFile(pdf)
        assert {number: read.parts(number) for number in read.offsets} == fresh[pdf]
        for number, offset in read.offsets.items():  # and each as the token-by-token split reads it
            head = own_file._HEAD.match(pdf, offset)
            assert head is not None and read.parts(number) == own_file._split(pdf, head.end(), whole_object=True)
