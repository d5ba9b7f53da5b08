"""reports/page_references.py: pydyf's page references, built once per page count."""

import pydyf

from reports import page_references


def _page(pdf: pydyf.PDF) -> None:
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))


def test_the_references_name_every_page_and_follow_a_new_one() -> None:
    page_references.install()
    pdf = pydyf.PDF()
    _page(pdf)
    _page(pdf)
    first = pdf.page_references
    numbers = pdf.pages["Kids"][::3]
    assert first == tuple(f"{n} 0 R".encode() for n in numbers)
    assert pdf.page_references is first  # read again without rebuilding
    _page(pdf)
    assert len(pdf.page_references) == 3
    assert pdf.page_references[-1] == f"{pdf.pages['Kids'][-3]} 0 R".encode()


def test_each_document_keeps_its_own_references() -> None:
    page_references.install()
    one, two = pydyf.PDF(), pydyf.PDF()
    _page(one)
    for _ in range(3):
        _page(two)
    assert (len(one.page_references), len(two.page_references)) == (1, 3)
