"""Loading both structures and the succession links from the vietnamadminunits dataset.

The session fixture may already hold Quảng Ngãi (51) and Bình Định/Gia Lai (52), so the
counts below are totals (created + updated + unchanged), never "created" alone.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from units.loader.services import units_load_from_dataset
from units.models import AdministrativeUnit, Structure, UnitLevel, UnitSuccession

ISLAND_DISTRICT_KEYS = {
    "thanhphodanang_huyenhoangsa_",
    "thanhphohaiphong_huyenbachlongvi_",
    "tinhbariavungtau_huyencondao_",
    "tinhquangngai_huyenlyson_",
    "tinhquangtri_huyenconco_",
}


def count(structure: str, level: str) -> int:
    return AdministrativeUnit.objects.filter(structure=structure, level=level).count()


def province_pk(path: str) -> int:
    return int(path.strip("/").split("/")[0])


@pytest.mark.django_db
def test_it_loads_the_whole_country_and_a_second_run_changes_nothing() -> None:
    # One test for the whole country: loading it takes a few seconds.
    first = units_load_from_dataset()

    assert count(Structure.LEGACY, UnitLevel.PROVINCE) == 63
    assert count(Structure.LEGACY, UnitLevel.DISTRICT) == 696
    assert count(Structure.LEGACY, UnitLevel.COMMUNE) == 10_035
    assert count(Structure.REFORM_2025, UnitLevel.PROVINCE) == 34
    assert count(Structure.REFORM_2025, UnitLevel.DISTRICT) == 0
    assert count(Structure.REFORM_2025, UnitLevel.COMMUNE) == 3_321
    assert (first.legacy.provinces, first.legacy.districts, first.legacy.communes) == (
        63,
        696,
        10_035,
    )
    assert (first.reform.provinces, first.reform.communes) == (34, 3_321)
    assert first.legacy.counts.total == 63 + 696 + 10_035
    assert first.reform.counts.total == 34 + 3_321
    # 63 province links, 9,564 whole communes, 1,033 parts of 471 split communes.
    assert UnitSuccession.objects.count() == 10_660
    assert set(first.unresolved_keys) == ISLAND_DISTRICT_KEYS

    # Codes are stored zero-padded, as GSO writes them.
    assert AdministrativeUnit.objects.get(structure=Structure.LEGACY, code="00001").name == (
        "Phúc Xá"
    )
    # The type comes from the full name where the dataset's type column contradicts it.
    phuong_5 = AdministrativeUnit.objects.get(structure=Structure.LEGACY, code="27046")
    assert phuong_5.full_name == "Phường 5"

    # Each commune goes to a successor inside the new province its old province joined:
    # ward keys repeat across provinces, so a wrong lookup would cross provinces.
    province_links = dict(
        UnitSuccession.objects.filter(predecessor__level=UnitLevel.PROVINCE).values_list(
            "predecessor_id", "successor_id"
        )
    )
    assert len(province_links) == 63
    commune_links = UnitSuccession.objects.filter(predecessor__level=UnitLevel.COMMUNE).values_list(
        "predecessor__path", "successor__path"
    )
    crossing = [
        (old, new)
        for old, new in commune_links
        if province_links[province_pk(old)] != province_pk(new)
    ]
    assert crossing == []

    second = units_load_from_dataset()

    for report in second.structures:
        assert (report.counts.created, report.counts.updated) == (0, 0)
    assert second.legacy.counts.unchanged == 63 + 696 + 10_035
    assert second.reform.counts.unchanged == 34 + 3_321
    assert (second.links.created, second.links.updated, second.links.unchanged) == (0, 0, 10_660)
    assert AdministrativeUnit.objects.count() == 63 + 696 + 10_035 + 34 + 3_321


@pytest.mark.django_db
def test_it_loads_only_the_requested_provinces_in_both_structures() -> None:
    report = units_load_from_dataset(provinces={"51", "52"})

    assert (report.legacy.provinces, report.legacy.districts, report.legacy.communes) == (
        2,
        24,
        325,  # Quảng Ngãi 170 (Lý Sơn has none) + Bình Định 155
    )
    assert (report.reform.provinces, report.reform.communes) == (2, 231)
    legacy_names = set(
        AdministrativeUnit.objects.filter(
            structure=Structure.LEGACY, level=UnitLevel.PROVINCE
        ).values_list("name", flat=True)
    )
    assert {"Quảng Ngãi", "Bình Định"} <= legacy_names
    # Old Kon Tum (62) and old Gia Lai (64) also joined 51 and 52 but are not loaded.
    new_gia_lai = AdministrativeUnit.objects.get(
        structure=Structure.REFORM_2025, level=UnitLevel.PROVINCE, code="52"
    )
    assert new_gia_lai.full_name == "Tỉnh Gia Lai"
    assert [unit.full_name for unit in new_gia_lai.predecessors.all()] == ["Tỉnh Bình Định"]


@pytest.mark.django_db
def test_it_updates_only_what_changed() -> None:
    units_load_from_dataset(provinces={"51", "52"})
    AdministrativeUnit.objects.filter(structure=Structure.LEGACY, code="21640").update(
        name="Bồng Sơn cũ"
    )
    UnitSuccession.objects.filter(
        predecessor__code="21640", predecessor__structure=Structure.LEGACY
    ).update(is_default=False)

    report = units_load_from_dataset(provinces={"51", "52"})

    assert (report.legacy.counts.created, report.legacy.counts.updated) == (0, 1)
    assert (report.reform.counts.created, report.reform.counts.updated) == (0, 0)
    assert (report.links.created, report.links.updated) == (0, 1)
    old_bong_son = AdministrativeUnit.objects.get(structure=Structure.LEGACY, code="21640")
    assert old_bong_son.name == "Bồng Sơn"
    assert old_bong_son.successor_links.get().is_default


@pytest.mark.django_db
def test_it_stores_names_without_their_type_and_validity_by_structure() -> None:
    units_load_from_dataset(provinces={"51", "52"})

    old_bong_son = AdministrativeUnit.objects.get(structure=Structure.LEGACY, code="21640")
    assert (old_bong_son.unit_type, old_bong_son.name) == ("Phường", "Bồng Sơn")
    assert (old_bong_son.valid_from, old_bong_son.valid_to) == (None, dt.date(2025, 6, 30))
    assert old_bong_son.source_key == "tinhbinhdinh_thixahoainhon_phuongbongson"
    assert old_bong_son.parent is not None
    assert old_bong_son.parent.full_name == "Thị xã Hoài Nhơn"

    new_bong_son = AdministrativeUnit.objects.get(structure=Structure.REFORM_2025, code="21640")
    assert (new_bong_son.valid_from, new_bong_son.valid_to) == (dt.date(2025, 7, 1), None)
    assert new_bong_son.source_key == "tinhgialai_phuongbongson"
    assert new_bong_son.parent is not None
    assert new_bong_son.parent.full_name == "Tỉnh Gia Lai"

    ly_son = AdministrativeUnit.objects.get(structure=Structure.REFORM_2025, code="21548")
    assert ly_son.full_name == "Đặc khu Lý Sơn"


@pytest.mark.django_db
def test_it_keeps_an_island_district_without_communes() -> None:
    units_load_from_dataset(provinces={"51"})

    ly_son_district = AdministrativeUnit.objects.get(
        structure=Structure.LEGACY, level=UnitLevel.DISTRICT, code="536"
    )
    assert ly_son_district.full_name == "Huyện Lý Sơn"
    assert not ly_son_district.children.exists()


@pytest.mark.django_db
def test_it_makes_paths_that_select_subtrees() -> None:
    units_load_from_dataset(provinces={"51", "52"})
    binh_dinh = AdministrativeUnit.objects.get(
        structure=Structure.LEGACY, level=UnitLevel.PROVINCE, code="52"
    )
    hoai_nhon = AdministrativeUnit.objects.get(
        structure=Structure.LEGACY, level=UnitLevel.DISTRICT, code="543"
    )

    assert hoai_nhon.path == f"{binh_dinh.path}{hoai_nhon.pk}/"
    subtree = AdministrativeUnit.objects.in_subtree(hoai_nhon)
    assert subtree.count() == 1 + 17
    assert set(subtree.values_list("parent_id", flat=True)) == {binh_dinh.pk, hoai_nhon.pk}
    # 11 districts and 155 communes under Bình Định, nothing of the 2025 structure.
    assert AdministrativeUnit.objects.in_subtree(binh_dinh).count() == 1 + 11 + 155
    for unit in AdministrativeUnit.objects.select_related("parent"):
        assert unit.path == unit.build_path()


@pytest.mark.django_db
def test_it_splits_a_commune_with_exactly_one_default_successor() -> None:
    units_load_from_dataset(provinces={"52"})
    # Old xã Canh Hiệp (huyện Vân Canh) was split between new Canh Vinh and Vân Canh.
    canh_hiep = AdministrativeUnit.objects.get(
        structure=Structure.LEGACY, source_key="tinhbinhdinh_huyenvancanh_xacanhhiep"
    )

    links = canh_hiep.successor_links.select_related("successor").order_by("successor__name")

    assert [(link.successor.full_name, link.is_default) for link in links] == [
        ("Xã Canh Vinh", True),
        ("Xã Vân Canh", False),
    ]
    assert all(link.effective_date == dt.date(2025, 7, 1) for link in links)


@pytest.mark.django_db
def test_it_runs_as_a_management_command() -> None:
    out = StringIO()

    call_command("load_units", province=["52"], stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("legacy: 1 provinces, 11 districts, 155 communes;")
    assert lines[1].startswith("2025: 1 provinces, 0 districts, 135 communes;")
    assert lines[2].startswith("successions:")


@pytest.mark.django_db
def test_it_gives_every_unit_of_both_structures_its_point_and_fills_a_database_without() -> None:
    units_load_from_dataset(provinces={"52"})
    loaded = AdministrativeUnit.objects.filter(path__startswith="/").exclude(code="")
    in_52 = loaded.filter(
        path__startswith=AdministrativeUnit.objects.get(
            code="52", level=UnitLevel.PROVINCE, structure=Structure.REFORM_2025
        ).path
    )
    assert in_52.count() > 100
    assert not in_52.filter(latitude__isnull=True).exists()
    # Phường Bồng Sơn (2025) lies in the north of old Bình Định, north of Quy Nhơn.
    bong_son = AdministrativeUnit.objects.get(
        code="21640", level=UnitLevel.COMMUNE, structure=Structure.REFORM_2025
    )
    quy_nhon_dong = AdministrativeUnit.objects.get(
        code="21601", level=UnitLevel.COMMUNE, structure=Structure.REFORM_2025
    )
    assert bong_son.latitude is not None and quy_nhon_dong.latitude is not None
    assert 13.5 < quy_nhon_dong.latitude < bong_son.latitude < 14.7
    assert 108 < (bong_son.longitude or 0) < 109.5
    hoai_nhon = AdministrativeUnit.objects.get(
        code="543", level=UnitLevel.DISTRICT, structure=Structure.LEGACY
    )
    assert hoai_nhon.latitude is not None and hoai_nhon.longitude is not None

    # A database loaded before units had a point gets them on the next load.
    AdministrativeUnit.objects.filter(pk__in=in_52.values("pk")).update(
        latitude=None, longitude=None
    )
    again = units_load_from_dataset(provinces={"52"})
    assert again.reform.counts.updated > 100
    assert not in_52.filter(latitude__isnull=True).exists()
    assert units_load_from_dataset(provinces={"52"}).reform.counts.updated == 0
