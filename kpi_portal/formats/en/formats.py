"""English formats: grouped thousands, day-first dates so both languages read the same day."""

from django.conf.locale.en.formats import *

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
