#!/usr/bin/env bash
# Remakes fixtures/appendix_formats/: Hoài Nhơn's H1 2023 appendix re-saved by LibreOffice
# the way offices re-save it (.xls, .ods, CSV with either separator). Run once by hand when
# the seed layout changes (needs `soffice`, Debian's libreoffice-calc-nogui); the tests read
# the committed files and never convert. Two sources: the dispatch's layout with text
# numbers as printed (tests.io.test_appendix.build_seed_xlsx), and the portal's writer with
# typed numbers (appendix_write_xlsx), the latter as CSV from an English (1,087 / 36.59)
# and a Vietnamese (1.087 / 36,59, ";") locale.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/appendix_formats
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME" "$out"
DJANGO_SETTINGS_MODULE=kpi_portal.settings .venv/bin/python - "$work" <<'PY'
import sys

import django

django.setup()
from indicators.io.appendix_write import appendix_write_xlsx
from tests.io.test_appendix import build_seed_xlsx, counts_of, load_fixture

work = sys.argv[1]
open(f"{work}/seed.xlsx", "wb").write(build_seed_xlsx())
open(f"{work}/formula.xlsx", "wb").write(build_seed_xlsx(lambda ws: ws.__setitem__("H12", "=SUM(1,2)")))
records = load_fixture()
rows = {level: [(r["unit_name"], counts_of(r)) for r in records if r["level"] == level]
        for level in ("district", "commune")}
open(f"{work}/typed.xlsx", "wb").write(appendix_write_xlsx(
    title="TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG",
    period_label="Từ 01/01/2023 đến 30/06/2023",
    district_rows=rows["district"], commune_rows=rows["commune"]))
PY
convert() { soffice --headless --norestore --convert-to "$1" --outdir "$2" "$3" >/dev/null 2>&1; }
csv='csv:Text - txt - csv (StarCalc)'
for kind in xls ods; do
  convert "$kind" "$work" "$work/seed.xlsx"; mv "$work/seed.$kind" "$out/hoai_nhon_2023_h1.$kind"
  convert "$kind" "$work" "$work/typed.xlsx"; mv "$work/typed.$kind" "$out/hoai_nhon_2023_h1_typed.$kind"
  convert "$kind" "$work" "$work/formula.xlsx"; mv "$work/formula.$kind" "$out/hoai_nhon_2023_h1_formula.$kind"
done
convert "$csv:44,34,76,1" "$work/c" "$work/seed.xlsx"; mv "$work/c/seed.csv" "$out/hoai_nhon_2023_h1_comma.csv"
convert "$csv:59,34,76,1" "$work/s" "$work/seed.xlsx"
{ printf '\xef\xbb\xbf'; cat "$work/s/seed.csv"; } > "$out/hoai_nhon_2023_h1_semicolon.csv"  # Excel's «CSV UTF-8»
convert "$csv:44,34,76,1" "$work/e" "$work/typed.xlsx"; mv "$work/e/typed.csv" "$out/hoai_nhon_2023_h1_typed_en.csv"
# A Vietnamese locale for the last one: LibreOffice reads it from its profile.
profile="$HOME/.config/libreoffice/4/user/registrymodifications.xcu"
sed -i 's#</oor:items>#<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>vi-VN</value></prop></item>\n</oor:items>#' "$profile"
convert "$csv:59,34,76,1" "$work/v" "$work/typed.xlsx"; mv "$work/v/typed.csv" "$out/hoai_nhon_2023_h1_typed_vi.csv"
ls -l "$out"
