"""python manage.py load_units [--province CODE ...]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from units.loader.services import units_load_from_dataset


class Command(BaseCommand):
    help = (
        "Load or refresh the administrative units of both structures (3 tiers until "
        "30/06/2025, 2 tiers from 01/07/2025) and the succession links between them from "
        "the vietnamadminunits dataset. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Only this province code, in both structures (repeatable), e.g. --province 52",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = set(options["provinces"]) if options["provinces"] else None
        report = units_load_from_dataset(provinces=provinces)
        if options["verbosity"] < 1:
            return
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Units loaded."))
