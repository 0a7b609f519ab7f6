"""Looking units up by code and date, walking children and successions (the examples of the
units as the 2025 reform merged them: new Bồng Sơn, new Đức Phổ, Bình Định into Gia Lai)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest

from units.loader.services import units_load_from_dataset
from units.models import AdministrativeUnit, Structure, UnitLevel
from units.selectors import (
    AmbiguousUnit,
    UnitNotFound,
    children_of,
    predecessors_of,
    unit_by_code,
    unit_by_code_during,
)

BEFORE_REFORM = dt.date(2024, 12, 14)
AFTER_REFORM = dt.date(2025, 7, 1)
YEAR_2023 = dt.date(2023, 6, 1)
YEAR_2026 = dt.date(2026, 1, 1)


@pytest.fixture
def binh_dinh_quang_ngai(db: None) -> None:
    # Idempotent: cheap when the session data already holds these provinces.
    units_load_from_dataset(provinces={"51", "52"})


def names(units: Iterable[AdministrativeUnit]) -> list[str]:
    return [unit.full_name for unit in units]


@pytest.mark.usefixtures("binh_dinh_quang_ngai")
class TestUnitByCode:
    def test_it_resolves_a_reused_commune_code_by_date(self) -> None:
        assert unit_by_code("21664", on=BEFORE_REFORM).full_name == "Phường Hoài Thanh Tây"
        assert unit_by_code("21664", on=AFTER_REFORM).full_name == "Phường Hoài Nhơn"

    def test_it_resolves_a_reused_province_code_by_date(self) -> None:
        assert unit_by_code("52", on=YEAR_2023).full_name == "Tỉnh Bình Định"
        assert unit_by_code("52", on=YEAR_2026).full_name == "Tỉnh Gia Lai"

    def test_it_switches_on_the_reform_day(self) -> None:
        assert unit_by_code("52", on=dt.date(2025, 6, 30)).structure == Structure.LEGACY
        assert unit_by_code("52", on=dt.date(2025, 7, 1)).structure == Structure.REFORM_2025

    def test_it_finds_an_abolished_district_only_before_the_reform(self) -> None:
        hoai_nhon = unit_by_code("543", on=YEAR_2023)

        assert hoai_nhon.full_name == "Thị xã Hoài Nhơn"
        assert children_of(hoai_nhon, on_date=YEAR_2023).count() == 17
        with pytest.raises(UnitNotFound):
            unit_by_code("543", on=YEAR_2026)

    def test_it_says_in_vietnamese_when_no_unit_has_the_code(self) -> None:
        with pytest.raises(UnitNotFound) as error:
            unit_by_code("99999", on=BEFORE_REFORM)

        assert str(error.value) == "Không có đơn vị mã 99999 vào ngày 14/12/2024"

    def test_it_is_a_lookup_error(self) -> None:
        with pytest.raises(LookupError):
            unit_by_code("99999", on=BEFORE_REFORM)

    def test_it_filters_by_level(self) -> None:
        assert unit_by_code("52", on=YEAR_2023, level=UnitLevel.PROVINCE).code == "52"
        with pytest.raises(UnitNotFound):
            unit_by_code("52", on=YEAR_2023, level=UnitLevel.COMMUNE)


@pytest.mark.django_db
class TestUnpaddedCodes:
    @pytest.fixture(autouse=True)
    def ha_noi(self) -> None:
        # Codes 01 / 001 / 00001: a province, a district and a commune that share digits.
        legacy = {"structure": Structure.LEGACY, "valid_to": dt.date(2025, 6, 30)}
        province = AdministrativeUnit.objects.create(
            code="01", level=UnitLevel.PROVINCE, unit_type="Thành phố", name="Hà Nội", **legacy
        )
        district = AdministrativeUnit.objects.create(
            code="001",
            level=UnitLevel.DISTRICT,
            unit_type="Quận",
            name="Ba Đình",
            parent=province,
            **legacy,
        )
        AdministrativeUnit.objects.create(
            code="00001",
            level=UnitLevel.COMMUNE,
            unit_type="Phường",
            name="Phúc Xá",
            parent=district,
            **legacy,
        )

    def test_it_prefers_the_code_as_typed(self) -> None:
        assert unit_by_code("01", on=YEAR_2023).full_name == "Thành phố Hà Nội"
        assert unit_by_code("001", on=YEAR_2023).full_name == "Quận Ba Đình"

    def test_it_pads_a_code_to_the_width_of_the_level(self) -> None:
        assert unit_by_code("1", on=YEAR_2023, level=UnitLevel.PROVINCE).code == "01"
        assert unit_by_code("1", on=YEAR_2023, level=UnitLevel.DISTRICT).code == "001"
        assert unit_by_code("1", on=YEAR_2023, level=UnitLevel.COMMUNE).code == "00001"

    def test_it_refuses_to_guess_between_padded_forms(self) -> None:
        with pytest.raises(AmbiguousUnit):
            unit_by_code("1", on=YEAR_2023)


@pytest.mark.usefixtures("binh_dinh_quang_ngai")
class TestUnitByCodeDuring:
    def test_it_prefers_the_unit_valid_for_the_whole_range(self) -> None:
        unit = unit_by_code_during("52", start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))

        assert unit.full_name == "Tỉnh Bình Định"

    def test_it_takes_the_unit_valid_at_the_end_across_the_reform(self) -> None:
        unit = unit_by_code_during("52", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))

        assert unit.full_name == "Tỉnh Gia Lai"

    def test_it_falls_back_to_the_last_unit_of_the_range(self) -> None:
        unit = unit_by_code_during("543", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))

        assert unit.full_name == "Thị xã Hoài Nhơn"

    def test_it_says_when_nothing_existed_during_the_range(self) -> None:
        with pytest.raises(UnitNotFound) as error:
            unit_by_code_during("543", start=YEAR_2026, end=dt.date(2026, 12, 31))

        assert str(error.value) == "Không có đơn vị mã 543 trong khoảng 01/01/2026–31/12/2026"


@pytest.mark.usefixtures("binh_dinh_quang_ngai")
class TestChildren:
    def test_it_lists_the_communes_of_a_district_in_2023(self) -> None:
        hoai_nhon = unit_by_code("543", on=YEAR_2023)

        communes = children_of(hoai_nhon, on_date=YEAR_2023)

        assert communes.count() == 17
        assert [unit.code for unit in communes][:2] == ["21637", "21640"]
        assert not children_of(hoai_nhon, on_date=YEAR_2026).exists()

    def test_it_lists_the_children_valid_during_a_range(self) -> None:
        gia_lai = unit_by_code("52", on=YEAR_2026)

        assert children_of(gia_lai, start=YEAR_2026, end=dt.date(2026, 12, 31)).count() == 135
        assert (
            children_of(gia_lai, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)).count() == 0
        )


@pytest.mark.usefixtures("binh_dinh_quang_ngai")
class TestSuccession:
    def test_it_merges_bong_son_and_hoai_duc_into_new_bong_son(self) -> None:
        new_bong_son = unit_by_code("21640", on=AFTER_REFORM)

        assert new_bong_son.parent is not None
        assert new_bong_son.parent.full_name == "Tỉnh Gia Lai"
        assert [(unit.code, unit.full_name) for unit in predecessors_of(new_bong_son)] == [
            ("21640", "Phường Bồng Sơn"),
            ("21685", "Phường Hoài Đức"),
        ]

    def test_it_merges_five_wards_into_new_duc_pho(self) -> None:
        duc_pho = AdministrativeUnit.objects.get(
            structure=Structure.REFORM_2025, level=UnitLevel.COMMUNE, name="Đức Phổ"
        )

        assert duc_pho.parent is not None
        assert duc_pho.parent.full_name == "Tỉnh Quảng Ngãi"
        predecessors = predecessors_of(duc_pho)
        assert names(predecessors) == [
            "Phường Nguyễn Nghiêm",
            "Phường Phổ Ninh",
            "Phường Phổ Minh",
            "Phường Phổ Vinh",
            "Phường Phổ Hòa",
        ]
        assert "21460" in [unit.code for unit in predecessors]

    def test_it_follows_an_old_ward_to_its_successor(self) -> None:
        hoai_duc = unit_by_code("21685", on=BEFORE_REFORM)

        assert names(hoai_duc.successors.all()) == ["Phường Bồng Sơn"]

    def test_it_gives_a_split_commune_several_successors_one_default(self) -> None:
        an_nghia = AdministrativeUnit.objects.get(
            structure=Structure.LEGACY, source_key="tinhbinhdinh_huyenanlao_xaannghia"
        )

        successors = an_nghia.successors.all()
        defaults = [
            link.successor.full_name for link in an_nghia.successor_links.all() if link.is_default
        ]

        assert sorted(names(successors)) == ["Xã An Hòa", "Xã An Toàn"]
        assert defaults == ["Xã An Hòa"]

    def test_it_links_the_old_province_to_the_new_one(self) -> None:
        binh_dinh = unit_by_code("52", on=YEAR_2023)

        assert names(binh_dinh.successors.all()) == ["Tỉnh Gia Lai"]
