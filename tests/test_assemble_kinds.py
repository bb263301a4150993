"""Dossier kinds are data: discovered from YAML, parts in the order of Decision 18/2022."""

from __future__ import annotations

import pytest

from dossier.assemble import available_kinds, load_kind
from dossier.errors import DossierError


def test_registry_discovers_the_shipped_kinds():
    assert {"xa-ntm", "huyen-ntm"} <= set(available_kinds())


def test_commune_dossier_parts_in_order():
    kind = load_kind("xa-ntm")
    assert [p.key for p in kind.parts] == [
        "to_trinh", "bao_cao_ket_qua", "bao_cao_tong_hop_y_kien", "bien_ban_hop", "bao_cao_no_dong_xdcb", "hinh_anh"]
    assert [p.required for p in kind.parts] == [True] * 5 + [False]
    assert kind.part("hinh_anh").kind == "photos"
    assert kind.part("to_trinh").title.startswith("Tờ trình")


def test_district_dossier_parts():
    kind = load_kind("huyen-ntm")
    assert [p.key for p in kind.parts] == [
        "to_trinh_huyen", "bao_cao_tham_tra", "tong_hop_y_kien_cong_khai", "ho_so_xa", "hinh_anh_huyen"]
    assert kind.part("ho_so_xa").kind == "annex-pdf"


def test_titles_are_nfc():
    import unicodedata

    for name in available_kinds():
        for part in load_kind(name).parts:
            assert unicodedata.is_normalized("NFC", part.title)


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(DossierError) as info:
        load_kind("xa-khong-co")
    assert "xa-ntm" in str(info.value) and info.value.exit_code == 2
