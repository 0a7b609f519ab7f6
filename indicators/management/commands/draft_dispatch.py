from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indicators import selectors
from indicators.dispatch import selectors as dispatch_selectors
from indicators.dispatch.drafting import dispatch_build, dispatch_text, sample_dispatch
from indicators.dispatch.renderers import dispatch_appendix_xlsx, dispatch_context, dispatch_docx
from indicators.dispatch.templating import template_problems
from indicators.scope import add_scope_arguments, command_scope


class Command(BaseCommand):
    help = (
        "Soạn dự thảo công văn đánh giá các chỉ số của các đơn vị trực thuộc trong một kỳ. "
        "Ví dụ: draft_dispatch --parent 543 --period 2023-H1-CAL [--output cong-van.docx] "
        "[--appendix phu-luc.xlsx] [--template mau.docx]"
    )

    def add_arguments(self, parser: Any) -> None:
        add_scope_arguments(parser, parent_help="Mã ĐVHC của đơn vị ban hành.")
        parser.add_argument(
            "--output",
            help="Ghi ra tệp .docx (hoặc .xlsx: phụ lục) thay vì in văn bản ra màn hình.",
        )
        parser.add_argument(
            "--appendix", help="Ghi thêm phụ lục .xlsx kèm theo công văn vào tệp này."
        )
        parser.add_argument(
            "--template",
            help="Mẫu Word (.docx) của đơn vị để điền công văn (mặc định: mẫu của cổng); "
            "mẫu được kiểm tra như khi tải lên trang Mẫu công văn.",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Tính cả số liệu nháp (mặc định chỉ số liệu đã nộp, đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scope = command_scope(options)
        parent, period = scope.parent, scope.period
        assert period is not None  # a stored period is required
        if not selectors.children_for_ranking(parent, period).exists():
            raise CommandError(f"{parent} không có đơn vị trực thuộc trong kỳ này.")
        data = dispatch_selectors.dispatch_data(
            parent=parent, period=period, include_drafts=options["include_drafts"]
        )
        output, appendix = options.get("output"), options.get("appendix")
        if appendix and Path(appendix).suffix.lower() != ".xlsx":
            raise CommandError("Tệp phụ lục (--appendix) phải có đuôi .xlsx.")
        if not output:
            self.stdout.write(dispatch_text(dispatch_build(data)), ending="")
        else:
            path = Path(output)
            if path.suffix.lower() == ".xlsx":
                self._write(path, dispatch_appendix_xlsx(data))
            elif path.suffix.lower() == ".docx":
                template = self._template(options.get("template"))
                self._write(path, dispatch_docx(dispatch_build(data), template=template))
            else:
                raise CommandError("Tệp ra phải có đuôi .docx (công văn) hoặc .xlsx (phụ lục).")
        if appendix:
            self._write(Path(appendix), dispatch_appendix_xlsx(data))

    def _template(self, name: str | None) -> bytes | None:
        if not name:
            return None
        try:
            content = Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được mẫu {name}: {error}") from error
        problems = template_problems(content, sample=dispatch_context(sample_dispatch()))
        if problems:
            raise CommandError(f"Mẫu {name} không dùng được: " + " ".join(problems))
        return content

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được {path}: {error}") from error
        self.stdout.write(f"Đã ghi {path} ({len(content)} byte).")
