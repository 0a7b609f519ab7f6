"""Rendering a dispatch from a Word template (docxtpl), and checking an office's upload.

An uploaded template is a document anyone in the office could have been sent, so it is
treated as hostile until checked: bounded in size (packed and unpacked), no macros, no
external links other than hyperlinks, only the placeholders of `FIELDS`, and a template
language cut down to what a letter needs (placeholders, `for` over the given lists at most
two deep, `if`, a few text filters) so that rendering stays bounded in time and memory
whatever the file says. The check renders it once with a sample of every field."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from indicators.domain.formatting import format_int_vi

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 300
MAX_LOOP_DEPTH = 2
MAX_OUTPUT_BYTES = 20 * 1024 * 1024

# The placeholders a template may use, with what each holds (shown on the template page).
FIELDS: dict[str, str] = {
    "issuer_lines": "Tên cơ quan ban hành, 2 dòng: issuer_lines[0] “ỦY BAN NHÂN DÂN”, "
    "issuer_lines[1] “THỊ XÃ HOÀI NHƠN”",
    "national_title": "Quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”",
    "national_motto": "Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”",
    "number_line": "Số, ký hiệu “Số: 125/UBND-VP” (để trống số khi chưa ban hành)",
    "subject": "Trích yếu “V/v …”",
    "place_date": "Địa danh và ngày tháng “Hoài Nhơn, ngày 14 tháng 07 năm 2023”",
    "recipients": "Danh sách “Kính gửi” (dùng trong vòng lặp for)",
    "notes": "Lưu ý về số liệu mẫu (danh sách, thường rỗng)",
    "intro": "Đoạn mở đầu",
    "sections": "Các mục chỉ số: section.heading, section.targets, section.paragraphs "
    "(danh sách đoạn), section.formula",
    "no_data_line": "Các chỉ số chưa có số liệu (có thể rỗng)",
    "assessment": "Đánh giá chung",
    "directives": "Các yêu cầu, chỉ đạo đã đánh số (danh sách)",
    "closing": "Câu kết",
    "copies": "Danh sách “Nơi nhận”",
    "signer_authority": "Quyền hạn ký “KT. CHỦ TỊCH”",
    "signer_title": "Chức vụ người ký “PHÓ CHỦ TỊCH”",
    "signer_name": "Họ và tên người ký",
}

_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "default", "d", "join", "length")
_TESTS = ("defined", "undefined", "none", "string", "sequence")
_XML_HYPERLINK = "/relationships/hyperlink"


class TemplateProblem(Exception):
    """Why a template cannot be used, in Vietnamese."""


class _Environment(SandboxedEnvironment):
    """The sandbox (no private attributes, no unsafe calls) with only what a letter needs."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self.filters = {name: self.filters[name] for name in _FILTERS}
        self.tests = {name: self.tests[name] for name in _TESTS}
        self.globals = {}


def _environment() -> _Environment:
    return _Environment()


# --------------------------------------------------------------------------- the package


def _members(data: bytes) -> list[zipfile.ZipInfo]:
    if not data:
        raise TemplateProblem("Tệp mẫu rỗng.")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(
            f"Tệp mẫu quá lớn ({format_int_vi(len(data))} byte, tối đa "
            f"{format_int_vi(MAX_TEMPLATE_BYTES)} byte). Hãy bỏ bớt hình ảnh lớn."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TemplateProblem(
            "Tệp mẫu được đặt mật khẩu hoặc là định dạng Word cũ (.doc). Hãy bỏ mật khẩu và "
            "lưu lại dưới dạng Word .docx."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise TemplateProblem("Tệp mẫu không phải tệp Word .docx hợp lệ (tệp bị hỏng).") from None
    if len(members) > MAX_MEMBERS:
        raise TemplateProblem(
            f"Tệp mẫu có quá nhiều thành phần ({format_int_vi(len(members))}); "
            "có thể là tệp nén độc hại."
        )
    # zipfile stops inflating at a member's declared size, so the declared sum bounds it.
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise TemplateProblem(
            f"Tệp mẫu quá lớn khi giải nén ({format_int_vi(unpacked)} byte, tối đa "
            f"{format_int_vi(MAX_UNPACKED_BYTES)} byte); có thể là tệp nén độc hại."
        )
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        raise TemplateProblem(
            "Tệp nén không phải văn bản Word .docx (có thể là bảng tính hoặc tệp nén khác)."
        )
    return members


def _package_problems(data: bytes, members: list[zipfile.ZipInfo]) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content_types = (
            archive.read("[Content_Types].xml")
            if "[Content_Types].xml" in {m.filename for m in members}
            else b""
        )
        if any(m.filename.lower().endswith("vbaproject.bin") for m in members) or (
            b"macroEnabled" in content_types
        ):
            yield (
                "Tệp mẫu có chứa macro (VBA), thường là tệp .docm được đổi tên. Hãy lưu lại "
                "dưới dạng “Word Document (.docx)”."
            )
        for member in members:
            if not member.filename.endswith(".rels"):
                continue
            text = archive.read(member).decode("utf-8", "replace")
            for relationship in re.finditer(r"<Relationship\b[^>]*>", text):
                tag = relationship.group(0)
                if 'TargetMode="External"' not in tag or _XML_HYPERLINK in tag:
                    continue
                target = re.search(r'Target="([^"]*)"', tag)
                yield (
                    "Tệp mẫu có liên kết ra ngoài (hình ảnh, mẫu gắn kèm hoặc dữ liệu lấy từ "
                    f"{target.group(1)[:120] if target else 'nơi khác'}). Hãy chèn trực tiếp "
                    "hình ảnh vào văn bản và bỏ liên kết rồi tải lên lại."
                )


# --------------------------------------------------------------------------- the placeholders


def _walk(node: nodes.Node, depth: int = 0) -> Iterator[str]:
    """What the cut-down template language refuses in `node`, in Vietnamese."""
    if isinstance(node, nodes.For):
        if node.recursive:
            yield "vòng lặp đệ quy (recursive) không được dùng"
        if depth + 1 > MAX_LOOP_DEPTH:
            yield f"vòng lặp for lồng nhau quá {MAX_LOOP_DEPTH} cấp"
        for child in node.iter_child_nodes():
            yield from _walk(child, depth + 1)
        return
    if isinstance(node, nodes.Macro | nodes.CallBlock | nodes.FilterBlock):
        yield "macro, call và filter khối không được dùng"
    elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
        yield "include, import và extends không được dùng"
    elif isinstance(node, nodes.Call):
        yield "gọi hàm không được dùng"
    elif isinstance(node, nodes.Mul | nodes.Pow | nodes.FloorDiv | nodes.Div | nodes.Mod):
        yield "phép nhân, chia, lũy thừa không được dùng"
    elif (isinstance(node, nodes.Getattr) and node.attr.startswith("_")) or (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and str(node.arg.value).startswith("_")
    ):
        yield "thuộc tính nội bộ (bắt đầu bằng “_”), không được dùng"
    elif isinstance(node, nodes.Filter) and node.name not in _FILTERS:
        yield f"bộ lọc “{node.name}” không được dùng (dùng được: {', '.join(_FILTERS)})"
    elif isinstance(node, nodes.Test) and node.name not in _TESTS:
        yield f"phép thử “{node.name}” không được dùng"
    for child in node.iter_child_nodes():
        yield from _walk(child, depth)


@dataclass(frozen=True)
class _Parsed:
    unknown: set[str]
    refused: list[str]


def _parse(template: Any, environment: _Environment) -> _Parsed:
    """The document's XML parsed the way docxtpl renders it (body, headers and footers)."""
    from jinja2 import meta

    xml = template.patch_xml(template.xml_to_string(template.docx._element.body))
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, relationship in template.docx._part.rels.items():
            if relationship.reltype == uri and relationship.target_part.blob:
                from docx.oxml import parse_xml

                part = parse_xml(relationship.target_part.blob)
                xml += template.patch_xml(template.xml_to_string(part))
    try:
        tree = environment.parse(xml)
    except TemplateError as error:
        raise TemplateProblem(_syntax_message(error, xml)) from None
    refused = list(dict.fromkeys(_walk(tree)))
    if refused:
        return _Parsed(unknown=set(), refused=refused)
    try:
        unknown = set(meta.find_undeclared_variables(tree)) - set(FIELDS)
    except TemplateError as error:
        raise TemplateProblem(_syntax_message(error, xml)) from None
    return _Parsed(unknown=unknown, refused=[])


def _syntax_message(error: TemplateError, xml: str) -> str:
    line = getattr(error, "lineno", None)
    near = ""
    if line:
        text = re.sub(r"<[^>]+>", "", "".join(xml.splitlines()[max(line - 2, 0) : line + 1]))
        near = f" gần đoạn “{text.strip()[:120]}”"
    return (
        "Mẫu có lỗi ở thẻ {{ … }} hoặc {% … %}" + near + f": {error.message or error}. Kiểm "
        "tra các thẻ có đóng mở đủ (mỗi {% for %} có {% endfor %}, mỗi {% if %} có {% endif %})."
    )


# --------------------------------------------------------------------------- render and check


def _open(data: bytes) -> Any:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
        return template
    except Exception:  # python-docx raises many kinds on a damaged part
        raise TemplateProblem(
            "Tệp mẫu không mở được như văn bản Word .docx (tệp bị hỏng)."
        ) from None


def template_render(data: bytes, context: dict[str, Any]) -> bytes:
    """The document rendered from the template `data` (checked, or the default)."""
    template = _open(data)
    try:
        template.render(context, jinja_env=_environment())
    except TemplateError as error:
        raise TemplateProblem(f"Không điền được mẫu: {error}") from None
    out = io.BytesIO()
    template.save(out)
    content = out.getvalue()
    if len(content) > MAX_OUTPUT_BYTES:
        raise TemplateProblem("Văn bản điền từ mẫu quá lớn; hãy kiểm tra lại các vòng lặp.")
    return content


def template_problems(data: bytes, *, sample: dict[str, Any]) -> list[str]:
    """Why `data` cannot be an office's template (empty: it can), in Vietnamese. Renders it
    once with `sample` (a value for every field) to be sure it works."""
    try:
        members = _members(data)
        problems = list(_package_problems(data, members))
        if problems:
            return problems
        template = _open(data)
        parsed = _parse(template, _environment())
    except TemplateProblem as problem:
        return [str(problem)]
    if parsed.unknown:
        problems.append(
            "Mẫu có trường không có trong cổng: "
            + ", ".join("{{ " + name + " }}" for name in sorted(parsed.unknown))
            + ". Các trường dùng được: "
            + ", ".join(FIELDS)
            + "."
        )
    problems += [f"Mẫu dùng {what}." for what in parsed.refused]
    if problems:
        return problems
    try:
        template_render(data, sample)
    except TemplateProblem as problem:
        return [str(problem)]
    except Exception:  # docxtpl/python-docx on odd but well-formed XML
        return ["Không điền được mẫu (cấu trúc văn bản không đọc được); hãy lưu lại bằng Word."]
    return []
