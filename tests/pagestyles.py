"""Made-up pages in the four layouts of Vietnamese provincial sites, for the generic cleaner.

``article_page(style, article)`` wraps a made-up article in the chrome its kind of site carries
(menus, a print/e-mail tool bar, a view counter, a comment form "Ý kiến bạn đọc", related-news
lists, a footer); ``listing_page(style, teasers)`` is a category page of that site. The styles:

- ``table``      an HTML 4 portal laid out in nested ``<table>``s, class names in Vietnamese
                 abbreviations (``tieude``, ``noidung``), chrome in table cells;
- ``sharepoint`` a SharePoint 2010/2013 portal: ``s4-workspace``, web-part zones, a ribbon,
                 ``ms-rtestate-field`` body, hidden "Page Content" label;
- ``html5``      a newspaper with ``<header>``, ``<nav>``, ``<article>``, ``<time>``, ``<aside>``,
                 ``<footer>`` and an article list of ``<article>`` teasers;
- ``divs``       plain nested ``<div>``s with meaningless class names (``c1``, ``w2``): the chrome is
                 known only by its text and its links.

The articles and every name, number and place in them are invented (no corpus or real-world
text). ``CHROME`` lists the lines of chrome each page carries: none may survive cleaning.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

STYLES = ("table", "sharepoint", "html5", "divs")


@dataclass(frozen=True)
class Article:
    title: str
    date: str  # dd/mm/yyyy
    paragraphs: tuple[str, ...]
    author: str


ARTICLES = (
    Article(
        "Xã Tân Lộc nhân rộng mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
        "12/05/2024",
        ("Những năm qua, Ban Dân vận Đảng ủy xã Tân Lộc đã phối hợp với Mặt trận và các đoàn thể vận "
         "động nhân dân hiến đất làm đường giao thông nông thôn. Từ cách làm gần dân, sát dân, nhiều hộ gia "
         "đình đã tự nguyện tháo dỡ tường rào, hiến hơn 3.200 mét vuông đất để mở rộng các tuyến đường liên thôn.",
         "Đến nay, toàn xã có 14 mô hình “Dân vận khéo” được công nhận, trong đó 9 mô hình thuộc lĩnh vực kinh "
         "tế, 5 mô hình thuộc lĩnh vực văn hóa – xã hội. Các mô hình đã góp phần giúp 27 hộ thoát nghèo và nâng "
         "thu nhập bình quân đầu người lên 52 triệu đồng mỗi năm, tạo sự đồng thuận trong nhân dân."),
        "Minh Châu",
    ),
    Article(
        "Phường Đông Hòa sơ kết phong trào thi đua “Dân vận khéo” 6 tháng đầu năm",
        "03/07/2023",
        ("Sáng 3/7, Đảng ủy phường Đông Hòa tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” sáu "
         "tháng đầu năm. Dự hội nghị có đại diện lãnh đạo Ban Dân vận Thị ủy, các đồng chí trong Ban Thường vụ "
         "Đảng ủy phường và bí thư các chi bộ khu phố.",
         "Theo báo cáo, trong sáu tháng, phường đã xây dựng mới 6 mô hình, nâng tổng số mô hình trên địa bàn "
         "lên 31. Nhiều mô hình như “Khu phố sáng – xanh – sạch”, “Tổ tự quản an ninh trật tự” phát huy hiệu quả, "
         "được nhân dân đồng tình hưởng ứng.",
         "Phát biểu chỉ đạo, lãnh đạo Ban Dân vận Thị ủy đề nghị phường tiếp tục đổi mới nội dung, phương thức "
         "vận động quần chúng, chú trọng phát hiện, bồi dưỡng và nhân rộng các điển hình tiên tiến."),
        "Hoàng Yến",
    ),
    Article(
        "Huyện Sơn Tây tuyên dương 20 điển hình “Dân vận khéo” giai đoạn 2021 – 2023",
        "18/11/2023",
        ("Chiều 17/11, Huyện ủy Sơn Tây tổ chức hội nghị tuyên dương các tập thể, cá nhân điển hình trong phong "
         "trào thi đua “Dân vận khéo” giai đoạn 2021 – 2023. Trong ba năm, toàn huyện có 96 mô hình được các cấp "
         "công nhận, trong đó cấp huyện công nhận 41 mô hình, cấp xã công nhận 55 mô hình.",
         "Các mô hình tập trung vào phát triển kinh tế hộ, giữ gìn vệ sinh môi trường, bảo đảm an ninh trật tự "
         "và chăm lo cho người có công. Nhiều cách làm hay đã được các xã học tập, như quỹ “Nuôi heo đất vì người "
         "nghèo” của Hội Phụ nữ xã Bình Minh hay tổ hòa giải ở cơ sở của thôn Gò Cát.",
         "Dịp này, Ban Thường vụ Huyện ủy tặng giấy khen cho 8 tập thể và 12 cá nhân. Lãnh đạo huyện yêu cầu "
         "các cấp ủy tiếp tục quan tâm lãnh đạo, tạo chuyển biến rõ nét hơn nữa trong công tác dân vận.",
         "Hội nghị cũng phát động đợt thi đua cao điểm chào mừng ngày truyền thống công tác dân vận của Đảng, "
         "với mục tiêu mỗi chi bộ có ít nhất một mô hình mới trong năm tới."),
        "Quốc Bảo",
    ),
)

RELATED = ("Thị trấn Phú Mỹ ra mắt mô hình “Chợ văn minh, thân thiện”",
           "Hội Nông dân huyện tập huấn kỹ thuật trồng cây ăn quả",
           "Đoàn thanh niên ra quân chiến dịch tình nguyện hè năm nay",
           "Xã Hòa An khánh thành cầu dân sinh do nhân dân đóng góp",
           "Tổng kết công tác dân vận chính quyền năm qua")

MENU = ("Trang chủ", "Giới thiệu", "Tin tức – Sự kiện", "Chính trị", "Kinh tế", "Văn hóa – Xã hội",
        "Công tác dân vận", "Liên hệ")

# Lines of chrome on every article page, whatever the style: each is a line no cleaned text may hold.
CHROME = ("Trang chủ", "Giới thiệu", "Liên hệ", "In bài", "Gửi email", "Số lần đọc: 1.284", "Lượt xem: 1.284",
          "Ý kiến bạn đọc", "Gửi ý kiến", "Tin liên quan", "Các tin khác", "Tin cùng chuyên mục", "Quay lại",
          "Bản quyền thuộc Ban Dân vận Huyện ủy", "Page Content", "Chia sẻ", "Đầu trang", "anh-tin-1.jpg",
          "Thống kê truy cập", "Đang truy cập: 27", "Tổng biên tập: Nguyễn Văn Tâm", "Sign In", "Tìm",
          "Ghi rõ nguồn khi phát hành lại thông tin", "Liên kết website", "Tin mới", *RELATED, *MENU)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _menu_links(cls: str = "") -> str:
    return "".join(f'<li{cls}><a href="/chuyen-muc/{i}">{_e(m)}</a></li>' for i, m in enumerate(MENU))


def _related_links(tag: str = "li") -> str:
    return "".join(f'<{tag}><a href="/tin/{i + 100}.html">{_e(t)}</a> <span>(10/0{i + 1}/2024)</span></{tag}>'
                   for i, t in enumerate(RELATED))


def _paras(article: Article, tag: str = "p") -> str:
    return "\n".join(f"<{tag}>{_e(p)}</{tag}>" for p in article.paragraphs)


def _comment_form(wrapper: str = "div", cls: str = "") -> str:
    return (f'<{wrapper}{cls}><h3>Ý kiến bạn đọc</h3><form action="/binh-luan" method="post">'
            '<input type="text" name="ten" placeholder="Họ tên"><input type="text" name="email">'
            '<textarea name="noidung"></textarea><button type="submit">Gửi ý kiến</button></form>'
            f'</{wrapper}>')


def article_page(style: str, article: Article) -> str:
    return {"table": _table_article, "sharepoint": _sharepoint_article, "html5": _html5_article,
            "divs": _divs_article}[style](article)


def listing_page(style: str, articles: tuple[Article, ...] = ARTICLES, *, summaries: bool = True) -> str:
    """A category page listing ``articles`` (title link, date and, with ``summaries``, the lead
    sentence of each), four times over as a real category page holds a dozen items."""
    items = [(i, a) for i, a in enumerate(articles * 4)]
    return {"table": _table_listing, "sharepoint": _sharepoint_listing, "html5": _html5_listing,
            "divs": _divs_listing}[style](items, summaries)


def _lead(a: Article) -> str:
    return _e(a.paragraphs[0].split(". ")[0] + ".")


# --- table portal -------------------------------------------------------------------------------
def _table_shell(title: str, main: str) -> str:
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{_e(title)} - Cổng thông
tin điện tử huyện Sơn Tây</title></head>
<body><table width="1000" align="center" cellpadding="0" cellspacing="0">
<tr><td colspan="2"><img src="/images/banner.jpg" alt="Cổng thông tin điện tử huyện Sơn Tây"></td></tr>
<tr><td colspan="2" class="menungang">{" | ".join(f'<a href="/cm/{i}">{_e(m)}</a>' for i, m in enumerate(MENU))}
</td></tr>
<tr><td width="220" valign="top" class="cotrai"><table>
<tr><td class="tieudebox">Liên kết website</td></tr>
<tr><td><select name="lk"><option>Cổng TTĐT tỉnh</option></select></td></tr>
<tr><td class="tieudebox">Thống kê truy cập</td></tr><tr><td>Đang truy cập: 27</td></tr></table></td>
<td valign="top">{main}</td></tr>
<tr><td colspan="2" class="chantrang" align="center">Bản quyền thuộc Ban Dân vận Huyện ủy<br>
Địa chỉ: số 2 đường Trần Phú, thị trấn Di Lăng. Điện thoại: 0255 000 000</td></tr>
</table></body></html>"""


def _table_article(a: Article) -> str:
    main = f"""<table width="100%" cellpadding="4">
<tr><td class="tieude">{_e(a.title)}</td></tr>
<tr><td class="ngaydang">Ngày đăng: {a.date}</td></tr>
<tr><td class="noidung">{_paras(a)}
<div align="right"><b>{_e(a.author)}</b></div></td></tr>
<tr><td align="right">Số lần đọc: 1.284</td></tr>
<tr><td align="right"><a href="javascript:InBai(12);"><img src="/images/print.gif" alt="In bài">&nbsp;In bài</a>
&nbsp; <a href="/GuiEmail.aspx?id=12">Gửi email</a> &nbsp; <a href="javascript:history.back();">Quay lại</a>
</td></tr>
<tr><td><b>Tin liên quan</b></td></tr>
<tr><td><table>{"".join(f'<tr><td><a href="/tin/{i}.html">{_e(t)}</a> (10/0{i + 1}/2024)</td></tr>'
                          for i, t in enumerate(RELATED))}</table></td></tr>
</table>"""
    return _table_shell(a.title, main)


def _table_listing(items: list[tuple[int, Article]], summaries: bool) -> str:
    rows = "".join(
        f'<tr><td><a class="tieudetin" href="/tin/{i}.html">{_e(a.title)}</a> ({a.date})'
        + (f'<br>{_lead(a)}' if summaries else "") + "</td></tr>" for i, a in items)
    return _table_shell("Tin tức – Sự kiện", f'<table width="100%"><tr><td class="tieude">Tin tức – Sự kiện</td>'
                        f'</tr>{rows}<tr><td>Trang: <a href="?p=1">1</a> <a href="?p=2">2</a></td></tr></table>')


# --- SharePoint portal ---------------------------------------------------------------------------
def _sharepoint_shell(title: str, zone: str) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr"><head><meta charset="utf-8" /><title>{_e(title)}</title></head>
<body><form method="post" action="./trang.aspx" id="aspnetForm">
<div id="s4-ribbonrow" class="s4-pr s4-ribbonrowhidetitle"><div id="s4-ribboncont">
<a href="#" id="ctl00_SignIn">Sign In</a></div></div>
<div id="s4-workspace"><div id="s4-bodyContainer">
<div class="top-menu"><ul>{_menu_links()}</ul></div>
<div class="ms-webpart-zone"><table class="s4-wpTopTable"><tr><td>
<div class="search-box"><input name="k" type="text" title="Tìm kiếm" /><a href="#">Tìm</a></div>
</td></tr></table></div>
<div id="MSO_ContentTable">{zone}</div>
<div class="ms-webpart-zone"><div class="ms-WPBody">
<div class="box-title">Các tin khác</div><ul class="dfwp-list">{_related_links()}</ul></div></div>
<div class="bottom">Bản quyền thuộc Ban Dân vận Huyện ủy<br />Ghi rõ nguồn khi phát hành lại thông tin</div>
</div></div></form></body></html>"""


def _sharepoint_article(a: Article) -> str:
    zone = f"""<div class="article">
<h1 class="ms-rteElement-H1">{_e(a.title)}</h1>
<div class="article-meta"><span class="date">{a.date}</span> | Lượt xem: 1.284</div>
<div id="ctl00_PlaceHolderMain_label" style="display:none">Page Content</div>
<div class="ms-rtestate-field">{_paras(a)}
<p style="text-align:center"><img alt="anh-tin-1.jpg" src="/PublishingImages/anh-tin-1.jpg" /><br />
<a href="/PublishingImages/anh-tin-1.jpg">anh-tin-1.jpg</a></p>
<p style="text-align:right"><strong>{_e(a.author)}</strong></p></div>
<div class="article-tools"><a href="mailto:?subject=tin">Gửi email</a> | <a href="javascript:window.print()">In bài</a>
</div>
<div class="ms-webpart-zone"><div class="ms-WPBody"><h3 class="ms-standardheader">Ý kiến bạn đọc</h3>
<div><input type="text" name="hoten" /><textarea name="ykien" rows="4" cols="40"></textarea>
<input type="submit" value="Gửi ý kiến" /></div></div></div>
</div>"""
    return _sharepoint_shell(a.title, zone)


def _sharepoint_listing(items: list[tuple[int, Article]], summaries: bool) -> str:
    lis = "".join(f'<li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/tin-{i}.aspx">'
                  f'{_e(a.title)}</a></div><div class="date">{a.date}</div>'
                  + (f'<div class="description">{_lead(a)}</div>' if summaries else "") + "</div></li>"
                  for i, a in items)
    return _sharepoint_shell("Tin tức", f'<div class="ms-WPBody"><h2>Tin tức – Sự kiện</h2>'
                             f'<ul class="dfwp-column dfwp-list">{lis}</ul></div>')


# --- HTML5 newspaper ----------------------------------------------------------------------------
def _html5_shell(title: str, main: str, og_type: str) -> str:
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{_e(title)} | Báo Sơn Tây điện tử</title>
<meta property="og:type" content="{og_type}"><meta property="og:title" content="{_e(title)}"></head>
<body><header class="site-header"><a class="logo" href="/">Báo Sơn Tây</a>
<nav class="main-nav"><ul>{_menu_links()}</ul></nav></header>
<main class="container">{main}</main>
<footer class="site-footer"><p>Bản quyền thuộc Ban Dân vận Huyện ủy</p><p>Tổng biên tập: Nguyễn Văn Tâm</p>
<a href="#top">Đầu trang</a></footer></body></html>"""


def _html5_article(a: Article) -> str:
    d, m, y = a.date.split("/")
    main = f"""<article class="story">
<h1 class="story__title">{_e(a.title)}</h1>
<div class="story__meta"><time datetime="{y}-{m}-{d}T08:00:00+07:00">{a.date}</time>
<span class="views">Lượt xem: 1.284</span></div>
<div class="story__share"><a href="https://facebook.com/sharer">Chia sẻ</a><a href="javascript:print()">In bài</a>
<a href="mailto:?subject=tin">Gửi email</a></div>
<div class="story__body">{_paras(a)}
<aside class="story__related"><h4>Tin liên quan</h4><ul>{_related_links()}</ul></aside>
<p class="story__author"><strong>{_e(a.author)}</strong></p></div>
</article>
<section class="comments" id="binh-luan">{_comment_form()}</section>
<section class="more"><h2>Tin cùng chuyên mục</h2>
{"".join(f'<article class="teaser"><h3><a href="/tin/{i}.html">{_e(t)}</a></h3></article>'
         for i, t in enumerate(RELATED))}</section>"""
    return _html5_shell(a.title, main, "article")


def _html5_listing(items: list[tuple[int, Article]], summaries: bool) -> str:
    arts = "".join(f'<article class="teaser"><h3><a href="/tin/{i}.html">{_e(a.title)}</a></h3>'
                   f'<time>{a.date}</time>' + (f"<p>{_lead(a)}</p>" if summaries else "") + "</article>"
                   for i, a in items)
    return _html5_shell("Công tác dân vận", f'<h1>Công tác dân vận</h1><div class="list">{arts}</div>', "website")


# --- plain nested divs --------------------------------------------------------------------------
def _divs_shell(title: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_e(title)}</title></head>
<body><div class="w"><div class="c1"><div class="c2">
<div class="r1">{" ".join(f'<div class="m"><a href="/cm/{i}">{_e(m)}</a></div>' for i, m in enumerate(MENU))}</div>
<div class="r2"><div class="l">{main}</div>
<div class="rr"><div class="t">Tin mới</div>{"".join(f'<div><a href="/tin/{i + 50}.html">{_e(t)}</a></div>'
                                                    for i, t in enumerate(RELATED))}</div></div>
<div class="r3"><div>Bản quyền thuộc Ban Dân vận Huyện ủy</div><div>Ghi rõ nguồn khi phát hành lại thông tin</div>
</div></div></div></div></body></html>"""


def _divs_article(a: Article) -> str:
    main = f"""<div class="d1"><div class="d2">
<div class="t1">{_e(a.title)}</div>
<div class="t2">{a.date}</div>
<div class="x"><a href="javascript:window.print()">In bài</a> | <a href="/gui-email?id=7">Gửi email</a>
| Số lần đọc: 1.284</div>
<div class="d3">{_paras(a, "div")}</div>
<div class="t3" style="text-align:right"><b>{_e(a.author)}</b></div>
<div class="d4"><div>Tin liên quan</div>{"".join(f'<div><a href="/tin/{i}.html">{_e(t)}</a></div>'
                                              for i, t in enumerate(RELATED))}</div>
<div class="d5"><div>Ý kiến bạn đọc</div><div><input type="text" name="ten"></div>
<div><textarea name="nd"></textarea></div><div><a href="#">Gửi ý kiến</a></div></div>
<div class="d6"><a href="javascript:history.back()">Quay lại</a></div>
</div></div>"""
    return _divs_shell(a.title, main)


def _divs_listing(items: list[tuple[int, Article]], summaries: bool) -> str:
    rows = "".join(f'<div class="i"><div class="it"><a href="/tin/{i}.html">{_e(a.title)}</a></div>'
                   f'<div class="id">{a.date}</div>' + (f'<div class="is">{_lead(a)}</div>' if summaries else "")
                   + "</div>" for i, a in items)
    return _divs_shell("Tin tức", f'<div class="d1"><div class="t1">Tin tức</div>{rows}</div>')
