"""Shared test case: the seed data is loaded once per session (tests/conftest.py); each
test class gets one user per role, in and out of Hoài Nhơn."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from units.models import AdministrativeUnit, Role, User
from units.selectors import unit_by_code

H1_2023 = dt.date(2023, 6, 30)


def make_user(username: str, role: str, unit: AdministrativeUnit | None) -> User:
    user = User.objects.create_user(username, password="password-for-tests", role=role, unit=unit)
    return user


class BaseTestCase(TestCase):
    """district (member of Hoài Nhơn), chairman (Hoài Nhơn), commune (Hoài Đức, a member
    of the subtree), outsider (Đức Phổ, another province) and admin."""

    hoai_nhon: AdministrativeUnit
    hoai_duc: AdministrativeUnit
    duc_pho: AdministrativeUnit
    district: User
    chairman: User
    commune: User
    outsider: User
    admin: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.hoai_nhon = unit_by_code("543", on=H1_2023)
        cls.hoai_duc = unit_by_code("21685", on=H1_2023)
        cls.duc_pho = unit_by_code("534", on=H1_2023)
        cls.district = make_user("district", Role.DISTRICT_STAFF, cls.hoai_nhon)
        cls.chairman = make_user("chairman", Role.CHAIRMAN, cls.hoai_nhon)
        cls.commune = make_user("commune", Role.COMMUNE_OFFICIAL, cls.hoai_duc)
        cls.outsider = make_user("outsider", Role.DISTRICT_STAFF, cls.duc_pho)
        cls.admin = make_user("admin", Role.ADMIN, None)

    def login(self, user: User) -> None:
        self.client.force_login(user)
