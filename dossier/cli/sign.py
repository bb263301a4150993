"""`dossier sign` and `dossier verify`: PAdES signatures as Decree 30/2020 describes them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .app import main, run_command


def key_options(func):
    """The options that say where the signing key is (shared with `dossier build --sign`)."""
    for opt in reversed([
        click.option("--key", "pkcs12", type=click.Path(path_type=Path, dir_okay=False),
                     help="Tệp khóa ký PKCS#12 (.p12/.pfx). Mật khẩu lấy từ biến môi trường "
                          "DOSSIER_KEY_PASSWORD, nếu không có thì hỏi."),
        click.option("--pkcs11-lib", metavar="THƯ_VIỆN", help="Thư viện PKCS#11 của thiết bị ký (USB token), ví dụ "
                                          "/usr/lib/softhsm/libsofthsm2.so. Mã PIN lấy từ DOSSIER_TOKEN_PIN "
                                          "hoặc hỏi."),
        click.option("--token-label", metavar="NHÃN", help="Nhãn thiết bị ký (PKCS#11)."),
        click.option("--key-label", metavar="NHÃN", help="Nhãn khóa trên thiết bị ký (PKCS#11)."),
        click.option("--cert-label", metavar="NHÃN", help="Nhãn chứng thư số trên thiết bị ký (PKCS#11)."),
        click.option("--chain", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
                     help="Chứng thư của CA trung gian cần đính kèm (PEM/DER); dùng nhiều lần được."),
    ]):
        func = opt(func)
    return func


def prompt_secret(message: str) -> str:
    return click.prompt(message, hide_input=True, err=True)


def build_signed(config: Path, build):
    """Run ``build`` (a dossier build) with every assembly signed as ``config`` says."""
    from ..sign import Secrets
    from ..sign.config import load_signing
    from ..sign.dossier import signing

    settings = load_signing(config)
    with signing(settings, Secrets(prompt_secret)) as hook:
        result = build()
    result.inputs = [*result.inputs, *settings.files()]  # --depfile: a new key or picture rebuilds
    for rec in hook.signed:
        click.echo(f"Đã ký {rec['file']} ({rec['role']}): {rec['signer']}, {rec['time']}")
    return result


def key_ref(pkcs12, pkcs11_lib, token_label, key_label, cert_label, chain):
    from ..sign import KeyRef

    return KeyRef(pkcs12=pkcs12, pkcs11_lib=pkcs11_lib, token_label=token_label, key_label=key_label,
                  cert_label=cert_label, chain=tuple(chain))


@main.command("sign")
@click.argument("sources", metavar="TỆP.pdf...", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Tệp PDF đã ký; khi ký nhiều tệp một lần: thư mục kết quả (giữ tên tệp).")
@click.option("--as", "role", required=True, type=click.Choice(["nguoi-ky", "van-thu", "phu-luc", "ban-sao"]),
              help="Vai trò: nguoi-ky (người có thẩm quyền ký), van-thu (phát hành, chữ ký của cơ quan), "
                   "phu-luc (phụ lục là tệp riêng), ban-sao (bản sao điện tử).")
@key_options
@click.option("--image", type=click.Path(path_type=Path, dir_okay=False),
              help="Ảnh chữ ký của người ký (PNG nền trong suốt, màu xanh).")
@click.option("--seal", type=click.Path(path_type=Path, dir_okay=False),
              help="Ảnh con dấu (PNG nền trong suốt, màu đỏ, đúng kích thước thật).")
@click.option("--seal-size", type=float, default=None, metavar="MM",
              help="Đường kính con dấu (mm) khi ảnh không ghi độ phân giải; mặc định 36.")
@click.option("--number", metavar="SỐ", help="van-thu: số văn bản điền vào chỗ trống; phu-luc/ban-sao: số và ký hiệu ghi "
                                "ở góc trên bên phải.")
@click.option("--date", "issue_date", metavar="NGÀY", help="van-thu: ngày ban hành điền vào chỗ trống (2024-11-04 hoặc 04/11/2024).")
@click.option("--copy-form", default="Sao y", show_default=True, metavar="HÌNH_THỨC", help="ban-sao: hình thức sao (Sao y, Sao lục, "
                                                                     "Trích sao).")
@click.option("--tsa", metavar="ĐỊA_CHỈ", help="Địa chỉ máy chủ cấp dấu thời gian (RFC 3161): chữ ký PAdES B-T.")
@click.option("--location", metavar="NƠI_KÝ", help="Nơi ký (ghi vào chữ ký).")
@run_command
def sign_command(sources: tuple[Path, ...], output: Path, role: str, pkcs12, pkcs11_lib, token_label, key_label, cert_label,
                 chain, image, seal, seal_size, number, issue_date, copy_form, tsa, location) -> None:
    """Ký số TỆP.pdf theo Nghị định 30/2020 (PAdES, RSASSA-PSS/SHA-256), ghi ra tệp -o.

    Người ký: ảnh chữ ký đặt giữa chức vụ và họ tên (công cụ tự tìm khối chữ ký).
    Văn thư: ảnh con dấu trùm 1/3 ảnh chữ ký về bên trái; điền số và ngày còn
    trống (--number, --date) mà chữ ký của người ký vẫn hợp lệ. Phụ lục, bản sao:
    thông tin ở góc trên bên phải trang đầu, không có ảnh. Mật khẩu không bao giờ
    nhận trên dòng lệnh. Nhiều tệp một lần (-o là thư mục): hỏi mật khẩu một lần.
    """
    from ..sign import Secrets, SignRequest, open_key, sign_file
    from ..sign.appearance import SEAL_DEFAULT_MM
    from ..vntext.dates import to_date

    request = SignRequest(role=role, image=image, seal=seal, number=number,
                          date=to_date(issue_date) if issue_date else None, copy_form=copy_form,
                          seal_mm=seal_size or SEAL_DEFAULT_MM, tsa_url=tsa, location=location)
    request.validate()
    key = open_key(key_ref(pkcs12, pkcs11_lib, token_label, key_label, cert_label, chain), Secrets(prompt_secret))
    many = len(sources) > 1 or output.is_dir()
    try:
        if many:
            from ..sign.dossier import sign_many

            results = sign_many(list(sources), output, request, key)
            targets = [output / s.name for s in sources]
        else:
            results, targets = [sign_file(sources[0], output, request, key)], [output]
    finally:
        key.close()
    from ..sign.policy import display_time

    for target, result in zip(targets, results, strict=True):
        filled = "; đã điền " + ", ".join(f"{k}={v}" for k, v in result.filled.items()) if result.filled else ""
        click.echo(f"Đã ký {target} ({result.level}, ô {result.field}): {result.signer}, lúc "
                   f"{display_time(result.time)}{filled}.")


@main.command("verify")
@click.argument("paths", metavar="TỆP_HOẶC_THƯ_MỤC...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--trust", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Chứng thư gốc tin cậy (PEM/DER), ví dụ chứng thư gốc của NEAC hoặc Ban Cơ yếu; dùng nhiều "
                   "lần được.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Kiểu kết quả: chữ (cho người đọc) hoặc JSON (cho máy).")
@run_command
def verify_command(paths: tuple[Path, ...], trust: tuple[Path, ...], fmt: str) -> None:
    """Kiểm tra chữ ký số của tệp PDF, hoặc mọi tệp đã ký của một thư mục hồ sơ.

    Với mỗi chữ ký: người ký, cơ quan, vai trò, thời điểm, thuật toán, phạm vi
    (toàn bộ tệp hay một phiên bản trước, thay đổi sau đó có được phép không),
    chuỗi chứng thực tới gốc tin cậy. Kiểm tra ngoại tuyến: không truy vấn thu hồi.
    Mã thoát 0 chỉ khi mọi chữ ký nguyên vẹn, tin cậy và không có gì thay đổi sau
    chữ ký cuối; 1 nếu không.
    """
    from ..sign.verify import load_trust, verify_path

    roots = load_trust(trust)
    reports = [r for p in paths for r in verify_path(p, roots)]
    if fmt == "json":
        data = [r.as_dict() for r in reports]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(r.as_text() for r in reports))
    sys.exit(0 if all(r.ok for r in reports) else 1)
