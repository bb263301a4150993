"""Write the sample annexes of Sơn Bình's dossier, deterministically.

    .venv/bin/python tools/make_sample_annexes.py [OUT_DIR]

Writes into samples/tam-duong/son-binh/phu-luc/ (by default) the awkward
inputs a real dossier brings, so the assembler is exercised on them:

* y-kien-mttq.pdf: a two-page "scanned" letter (raster pages, slightly
  skewed and speckled) — the Fatherland Front's opinion;
* ban-do-quy-hoach.pdf: a landscape A4 page;
* bien-ban-kiem-tra-xoay.pdf: portrait A4 stored as landscape + /Rotate 90,
  as scanners do;
* bang-ke-cat-xen.pdf: a page whose CropBox is offset inside a larger MediaBox;
* four photos: a road, the cultural house (stored sideways with EXIF
  orientation 6), the school (PNG) and a tea field.

All content is invented for illustration. Same script, same bytes: no clock,
seeded noise, PDFs written with fixed IDs.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "tam-duong" / "son-binh" / "phu-luc"
FONTS = ROOT / "fonts"
DPI = 100
A4_PX = (827, 1169)  # A4 at 100 dpi
A4_PT = (595.276, 841.89)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, f: ImageFont.FreeTypeFont, width: int) -> None:
    w = draw.textlength(text, font=f)
    draw.text(((width - w) / 2, y), text, font=f, fill=0)


def scanned(img: Image.Image, seed: int) -> Image.Image:
    """Make a clean page look scanned: grey paper, speckles, a small skew."""
    rng = random.Random(seed)
    img = img.convert("L").rotate(rng.uniform(-0.6, 0.6), resample=Image.Resampling.BICUBIC, fillcolor=235)
    draw = ImageDraw.Draw(img)
    for _ in range(900):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        draw.point((x, y), fill=rng.randrange(120, 200))
    return img.filter(ImageFilter.GaussianBlur(0.4)).point(lambda v: min(255, int(v * 0.93 + 12)))


def letter_page(lines: list[tuple[str, str]], seed: int) -> Image.Image:
    img = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(img)
    y = 80
    for style, text in lines:
        f = font(17, bold=style in ("b", "bc"))
        if style in ("c", "bc"):
            centred(draw, y, text, f, A4_PX[0])
        else:
            draw.text((118, y), text, font=f, fill=0)
        y += 30 if text else 18
    return scanned(img, seed)


def jpeg(img: Image.Image, quality: int = 55) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def image_page(pdf: pikepdf.Pdf, img: Image.Image, size_pt: tuple[float, float], *, box=None) -> pikepdf.Page:
    """A page showing ``img`` over ``box`` (x0, y0, x1, y1; default the whole page)."""
    w, h = size_pt
    x0, y0, x1, y1 = box or (0, 0, w, h)
    gray = img.mode == "L"
    xobj = pikepdf.Stream(pdf, jpeg(img))
    xobj.Type, xobj.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    xobj.Width, xobj.Height, xobj.BitsPerComponent = img.width, img.height, 8
    xobj.ColorSpace = pikepdf.Name.DeviceGray if gray else pikepdf.Name.DeviceRGB
    xobj.Filter = pikepdf.Name.DCTDecode
    page = pdf.add_blank_page(page_size=(w, h))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj))
    page.obj.Contents = pdf.make_stream(f"q {x1 - x0:.2f} 0 0 {y1 - y0:.2f} {x0:.2f} {y0:.2f} cm /Im0 Do Q".encode())
    return page


def save_pdf(pdf: pikepdf.Pdf, path: Path, title: str) -> None:
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Producer"] = "dossier tools/make_sample_annexes.py"
    pdf.save(path, deterministic_id=True, compress_streams=True)


MTTQ_P1 = [
    ("c", "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM"), ("bc", "XÃ SƠN BÌNH"), ("c", "Số: 08/CV-MTTQ"), ("", ""),
    ("bc", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("bc", "Độc lập - Tự do - Hạnh phúc"), ("", ""),
    ("c", "Sơn Bình, ngày 15 tháng 11 năm 2024"), ("", ""),
    ("bc", "Ý KIẾN THAM GIA"), ("bc", "về kết quả xây dựng nông thôn mới xã Sơn Bình năm 2024"), ("", ""),
    ("c", "Kính gửi: Ủy ban nhân dân xã Sơn Bình."), ("", ""),
    ("", "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ;"),
    ("", "Trên cơ sở tổng hợp ý kiến của các tổ chức chính trị - xã hội và Nhân dân"),
    ("", "ở 13 bản, Ban Thường trực Ủy ban MTTQ Việt Nam xã Sơn Bình có ý kiến như sau:"), ("", ""),
    ("", "1. Nhất trí với Báo cáo kết quả thực hiện xây dựng nông thôn mới của xã;"),
    ("", "   19/19 tiêu chí đạt chuẩn theo Bộ tiêu chí quốc gia giai đoạn 2021-2025."),
    ("", "2. Tỷ lệ người dân hài lòng với kết quả xây dựng nông thôn mới đạt 96,8%."),
    ("", "3. Đề nghị tiếp tục duy tu các tuyến đường liên bản sau mùa mưa."),
]
MTTQ_P2 = [
    ("", "4. Đề nghị Ủy ban nhân dân xã hoàn thiện hồ sơ, trình Ủy ban nhân dân"),
    ("", "   huyện Tam Đường xem xét, công nhận xã đạt chuẩn nông thôn mới năm 2024."), ("", ""),
    ("", "Trên đây là ý kiến tham gia của Ban Thường trực Ủy ban MTTQ Việt Nam xã."), ("", ""),
    ("", "Nơi nhận:"), ("", "- UBND xã;"), ("", "- Lưu: MTTQ."), ("", ""),
    ("bc", "TM. BAN THƯỜNG TRỰC"), ("bc", "CHỦ TỊCH"), ("", ""), ("", ""), ("", ""),
    ("bc", "Tẩn Thị Mai"), ("", ""), ("c", "(Dữ liệu mẫu, minh họa)"),
]


def make_mttq(path: Path) -> None:
    pdf = pikepdf.new()
    for i, lines in enumerate((MTTQ_P1, MTTQ_P2)):
        image_page(pdf, letter_page(lines, seed=10 + i), A4_PT)
    save_pdf(pdf, path, "Ý kiến tham gia của MTTQ xã Sơn Bình (bản quét)")


def make_landscape(path: Path) -> None:
    w, h = A4_PX[1], A4_PX[0]
    img = Image.new("RGB", (w, h), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    centred(draw, 30, "SƠ ĐỒ QUY HOẠCH XÂY DỰNG XÃ SƠN BÌNH (MINH HỌA)", font(22, True), w)
    draw.rectangle((60, 80, w - 60, h - 60), outline=(0, 0, 0), width=2)
    draw.line((60, 420, w - 60, 300), fill=(150, 110, 60), width=9)  # provincial road
    draw.line((400, 80, 520, h - 60), fill=(150, 110, 60), width=5)
    draw.ellipse((700, 140, 900, 260), fill=(120, 180, 220))  # reservoir
    for i, (x, y) in enumerate([(200, 200), (650, 480), (950, 420), (300, 560)]):
        draw.rectangle((x, y, x + 46, y + 30), fill=(200, 80, 60))
        draw.text((x, y + 34), f"Bản {['Nà Bỏ', 'Sơn Bình', 'Hoang Thèn', 'Nà Khum'][i]}", font=font(15), fill=0)
    draw.text((80, h - 52), "Tỷ lệ 1:25.000 — Dữ liệu mẫu, không dùng cho quy hoạch", font=font(14), fill=0)
    pdf = pikepdf.new()
    image_page(pdf, img, (A4_PT[1], A4_PT[0]))
    save_pdf(pdf, path, "Sơ đồ quy hoạch (trang ngang)")


def make_rotated(path: Path) -> None:
    lines = [("bc", "BIÊN BẢN KIỂM TRA"), ("bc", "hiện trạng đường giao thông nông thôn"), ("", ""),
             ("", "Hôm nay, ngày 05/11/2024, tại bản Nà Bỏ, xã Sơn Bình,"),
             ("", "đoàn kiểm tra đã kiểm tra tuyến đường liên bản dài 3,2 km."),
             ("", "Mặt đường bê tông rộng 3,5 m, có rãnh thoát nước hai bên."),
             ("", "Kết luận: đạt yêu cầu theo tiêu chí số 2 về giao thông."), ("", ""),
             ("c", "(Trang quét lưu dạng ngang, cờ /Rotate 90)")]
    portrait = letter_page(lines, seed=30)
    stored = portrait.rotate(90, expand=True)  # scanners store it lying on its side
    pdf = pikepdf.new()
    page = image_page(pdf, stored, (A4_PT[1], A4_PT[0]))
    page.obj.Rotate = 90  # a viewer turns it clockwise: upright again
    save_pdf(pdf, path, "Biên bản kiểm tra (trang xoay)")


def make_cropped(path: Path) -> None:
    media = (700.0, 950.0)
    crop = (50.0, 54.0, 50.0 + A4_PT[0], 54.0 + A4_PT[1])
    lines = [("bc", "BẢNG KÊ CÔNG TRÌNH ĐÃ HOÀN THÀNH"), ("", ""),
             ("", "1. Nhà văn hóa bản Nà Bỏ - 2023"), ("", "2. Đường liên bản Sơn Bình - Hoang Thèn - 2024"),
             ("", "3. Kênh mương nội đồng bản Nà Khum - 2024"), ("", ""),
             ("c", "(Trang có CropBox lệch so với MediaBox)")]
    img = letter_page(lines, seed=40)
    pdf = pikepdf.new()
    page = image_page(pdf, img, media, box=crop)
    marks = b" 0 G 0.5 w 20 54 m 45 54 l S 50 20 m 50 45 l S 655 54 m 680 54 l S 645 20 m 645 45 l S"
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + marks)
    page.obj.CropBox = pikepdf.Array(list(crop))
    save_pdf(pdf, path, "Bảng kê công trình (CropBox lệch)")


def scene(kind: str, seed: int, size=(960, 640)) -> Image.Image:
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h // 2):  # sky
        draw.line((0, y, w, y), fill=(150 + y * 60 // h, 190 + y * 40 // h, 235))
    hills = [(0, h // 2)] + [(x, h // 2 - rng.randrange(30, 120)) for x in range(0, w + 80, 80)] + [(w, h // 2), (w, h), (0, h)]
    draw.polygon(hills, fill=(70, 120, 70))
    draw.rectangle((0, int(h * 0.6), w, h), fill=(95, 150, 80))
    if kind in ("road", "house", "school"):
        draw.polygon([(w * 0.42, h * 0.6), (w * 0.58, h * 0.6), (w * 0.85, h), (w * 0.15, h)], fill=(150, 150, 150))
        draw.line((w * 0.5, h * 0.6, w * 0.5, h), fill=(240, 240, 240), width=4)
    if kind == "house":  # cultural house: red roof, yellow walls, flag
        draw.rectangle((w * 0.55, h * 0.38, w * 0.85, h * 0.6), fill=(235, 205, 120))
        draw.polygon([(w * 0.52, h * 0.4), (w * 0.7, h * 0.25), (w * 0.88, h * 0.4)], fill=(170, 50, 40))
        draw.rectangle((w * 0.67, h * 0.48, w * 0.73, h * 0.6), fill=(120, 80, 50))
        draw.line((w * 0.62, h * 0.25, w * 0.62, h * 0.1), fill=(60, 60, 60), width=3)
        draw.rectangle((w * 0.62, h * 0.1, w * 0.68, h * 0.14), fill=(218, 37, 29))
        draw.text((w * 0.57, h * 0.41), "NHÀ VĂN HÓA BẢN NÀ BỎ", font=font(16, True), fill=(140, 30, 20))
    if kind == "school":
        draw.rectangle((w * 0.08, h * 0.36, w * 0.4, h * 0.6), fill=(240, 220, 180))
        for i in range(4):
            draw.rectangle((w * (0.1 + i * 0.075), h * 0.42, w * (0.14 + i * 0.075), h * 0.5), fill=(80, 110, 160))
        draw.text((w * 0.1, h * 0.37), "TRƯỜNG TIỂU HỌC SƠN BÌNH", font=font(16, True), fill=(30, 30, 120))
    if kind == "tea":
        for row in range(12):
            y = h * 0.62 + row * 20
            draw.line((0, y, w, y - 30), fill=(40, 110 + row * 5, 50), width=9)
    return img


def make_photos(out: Path) -> None:
    scene("road", 1).save(out / "anh-duong-lien-ban.jpg", "JPEG", quality=72, optimize=True)
    house = scene("house", 2).rotate(90, expand=True)  # the camera was held sideways...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...and says so: rotate 90° clockwise to view
    house.save(out / "anh-nha-van-hoa.jpg", "JPEG", quality=72, optimize=True, exif=exif.tobytes())
    scene("school", 3, (720, 480)).quantize(64).save(out / "anh-truong-hoc.png", "PNG", optimize=True)
    scene("tea", 4).save(out / "anh-doi-che.jpg", "JPEG", quality=72, optimize=True)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    make_mttq(out / "y-kien-mttq.pdf")
    make_landscape(out / "ban-do-quy-hoach.pdf")
    make_rotated(out / "bien-ban-kiem-tra-xoay.pdf")
    make_cropped(out / "bang-ke-cat-xen.pdf")
    make_photos(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
