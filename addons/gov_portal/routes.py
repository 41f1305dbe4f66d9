# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.protocols.wrappers import Response, with_transaction

from gov_agency.portal import portal_route

HOME = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng dịch vụ công trực tuyến tỉnh Đắk Nông</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
margin:0;color:#1a1a1a;background:#f6f7f9;line-height:1.5}}
header{{background:#8b1a1a;color:#fff;padding:1rem}}
header h1{{margin:0;font-size:1.35rem}}
main{{max-width:44rem;margin:0 auto;padding:1rem}}
section{{background:#fff;border:1px solid #d0d4da;border-radius:6px;
padding:1rem;margin:1rem 0}}
label{{display:block;font-weight:600;margin-bottom:.25rem}}
input{{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;
border:1px solid #6b7280;border-radius:4px}}
button{{margin-top:.5rem;font-size:1rem;padding:.6rem 1.2rem;background:#8b1a1a;
color:#fff;border:0;border-radius:4px;cursor:pointer}}
button:focus,input:focus,a:focus{{outline:3px solid #f5b301;outline-offset:2px}}
footer{{text-align:center;font-size:.9rem;color:#4b5563;padding:1rem}}
a{{color:#8b1a1a}}
</style>
</head>
<body>
<header><h1>Cổng dịch vụ công trực tuyến tỉnh Đắk Nông</h1>
<p>Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.</p>
</header>
<main>
<section>
<form action="/thu-tuc" method="get" role="search">
<label for="q">Tìm thủ tục hành chính</label>
<input id="q" name="q" type="search" placeholder="Ví dụ: khai sinh, cấp phép xây dựng">
<button type="submit">Tìm thủ tục</button>
</form>
</section>
<section>
<form action="/tra-cuu" method="get">
<label for="ma">Tra cứu hồ sơ theo mã hồ sơ</label>
<input id="ma" name="ma" type="text" autocomplete="off"
 placeholder="Mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả">
<button type="submit">Tra cứu</button>
</form>
</section>
<p>Cán bộ, công chức đăng nhập <a href="/admin/">Hệ thống Một cửa điện tử</a>.</p>
</main>
<footer>Vận hành theo Quyết định số 04/2019/QĐ-UBND của UBND tỉnh Đắk Nông.</footer>
</body>
</html>
"""


@portal_route('/', methods={'GET'})
@with_transaction()
def home(request, pool):
    return Response(HOME.format(), content_type='text/html; charset=utf-8')
