"""A corpus of cross-site scripting payloads, generated: base vectors × forms (issue #7).

Every payload tries to call a marker with its own number: `__xss(N)` (a binding the
browser tests expose in every frame) or `alert(N)` (a dialog the tests listen for), so
that an execution names the payload that caused it. The base vectors come from the
public collections named in SOURCES; each is written out once with `@JS@` where the
marker call goes, and the forms below turn it into variants the way filter evasion
does: embedded in German text and Markdown, after quotes that close an attribute, in
mixed case with whitespace tricks, as numeric character references and with the
script percent-encoded.
"""

import base64
import html
import re
from dataclasses import dataclass
from urllib.parse import quote

# Where the base vectors come from (the key is given with each vector).
SOURCES = {
    "owasp": "OWASP XSS Filter Evasion Cheat Sheet, "
    "https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html",
    "portswigger": "PortSwigger Cross-site scripting cheat sheet, "
    "https://portswigger.net/web-security/cross-site-scripting/cheat-sheet",
    "html5sec": "HTML5 Security Cheatsheet (Mario Heiderich, Cure53), https://html5sec.org/",
    "mxss": "Heiderich et al., mXSS Attacks (ACM CCS 2013), and the DOMPurify bypasses "
    "by Michał Bentkowski, https://research.securitum.com/dompurify-bypass-using-mxss/ "
    "and https://research.securitum.com/mutation-xss-via-mathml-mutation-dompurify-2-0-17-bypass/",
    "bleach": "bleach security advisories: CVE-2020-6802 (noscript), CVE-2020-6816 "
    "(svg/math with style), CVE-2021-23980 (nested elements and strip_comments=False), "
    "https://github.com/mozilla/bleach/security/advisories",
    "markdown": "Markdown XSS payloads, https://github.com/cujanovic/Markdown-XSS-Payloads, "
    "and Python-Markdown's notes on raw HTML, https://python-markdown.github.io/change_log/",
    "wordpress": "WordPress stored-XSS reports in comments and shortcodes (e.g. CVE-2019-9787, "
    "CVE-2015-3440), https://wpscan.com/wordpresses/",
    "csti": "Client-side and server-side template injection: PortSwigger, AngularJS sandbox "
    "escapes, https://portswigger.net/research/xss-without-html-client-side-template-injection-with-angularjs",
    "feeds": "XML and feed injection (breaking out of CDATA, description and title), "
    "OWASP Testing Guide WSTG-INPV-07",
    "ours": "written for this blog: its own contexts (comment author <b>, reply data "
    "attributes, <title>, <textarea> of a re-shown form, e-mail text)",
}


@dataclass(frozen=True)
class Vector:
    name: str
    source: str
    template: str


# `@JS@` is the marker call; `@B64HTML@` the base64 of `<script>@JS@</script>`.
VECTORS = [
    # Classic script elements and filter evasion.
    Vector("script", "owasp", "<script>@JS@</script>"),
    Vector("script-src-data", "owasp", "<SCRIPT SRC=data:text/javascript,@JS@></SCRIPT>"),
    Vector("script-nested", "owasp", "<scr<script>ipt>@JS@</scr</script>ipt>"),
    Vector("script-double-open", "owasp", "<<script>@JS@;//<</script>"),
    Vector("script-slash", "portswigger", "<script/x>@JS@</script>"),
    Vector("script-long-s", "mxss", "<ſcript>@JS@</ſcript>"),
    Vector("img-onerror", "owasp", "<img src=x onerror=@JS@>"),
    Vector("img-onerror-quoted", "owasp", '<IMG SRC="x" ONERROR="@JS@">'),
    Vector("img-slashes", "portswigger", "<img/src=x/onerror=@JS@>"),
    Vector("img-malformed", "owasp", '<IMG """><SCRIPT>@JS@</SCRIPT>">'),
    Vector("img-entity-handler", "owasp", "<img src=x onerror=\"&#x40;JS&#x40;\">"),
    Vector("body-onload", "owasp", "<body onload=@JS@>"),
    Vector("input-autofocus", "portswigger", "<input autofocus onfocus=@JS@>"),
    Vector("details-ontoggle", "portswigger",
        "<details open ontoggle=@JS@>"
        "<summary>x</summary></details>"),
    Vector("video-source", "portswigger", '<video><source onerror="@JS@"></video>'),
    Vector("audio-onerror", "portswigger", "<audio src=x onerror=@JS@>"),
    Vector("marquee", "portswigger", "<marquee onstart=@JS@>x</marquee>"),
    Vector("div-hover", "owasp", '<div onmouseover="@JS@">x</div>'),
    # SVG and MathML.
    Vector("svg-onload", "portswigger", "<svg onload=@JS@>"),
    Vector("svg-slash-onload", "portswigger", "<svg/onload=@JS@>"),
    Vector("svg-script", "html5sec", "<svg><script>@JS@</script></svg>"),
    Vector("svg-animate", "portswigger", "<svg><animate onbegin=@JS@ attributeName=x dur=1s>"),
    Vector("svg-xlink", "html5sec",
        '<svg><a xlink:href="javascript:@JS@">'
        '<text y="20">x</text></a></svg>'),
    Vector("svg-image", "portswigger", "<svg><image href=x onerror=@JS@ /></svg>"),
    Vector("math-href", "html5sec", '<math href="javascript:@JS@">x</math>'),
    Vector("math-maction", "html5sec",
        '<math><maction actiontype="statusline" '
        'xlink:href="javascript:@JS@">x</maction></math>'),
    # Frames, objects and other elements that load a document.
    Vector("iframe-js", "owasp", '<iframe src="javascript:@JS@"></iframe>'),
    Vector("iframe-srcdoc", "html5sec",
        '<iframe srcdoc="&lt;script&gt;@JS@&lt;/script&gt;">'
        '</iframe>'),
    Vector("iframe-srcdoc-img", "html5sec", '<iframe srcdoc="<img src=x onerror=@JS@>"></iframe>'),
    Vector("object-data", "owasp", '<object data="data:text/html;base64,@B64HTML@"></object>'),
    Vector("embed-js", "owasp", '<embed src="javascript:@JS@">'),
    Vector("form-action", "html5sec", '<form action="javascript:@JS@"><button>x</button></form>'),
    Vector("button-formaction", "html5sec",
        '<form><button formaction="javascript:@JS@">'
        'x</button></form>'),
    Vector("meta-refresh", "owasp", '<meta http-equiv="refresh" content="0;url=javascript:@JS@">'),
    Vector("base-href", "owasp", '<base href="javascript:@JS@//">'),
    Vector("link-stylesheet", "owasp", '<link rel="stylesheet" href="javascript:@JS@">'),
    # CSS.
    Vector("css-url", "owasp", '<div style="background-image:url(javascript:@JS@)">x</div>'),
    Vector("css-expression", "owasp", '<div style="width:expression(@JS@)">x</div>'),
    Vector("style-import", "owasp", "<style>@import 'javascript:@JS@';</style>"),
    # Links with script URLs, in HTML.
    Vector("a-js", "owasp", '<a href="javascript:@JS@">x</a>'),
    Vector("a-js-tab", "owasp", '<a href="jav&#x09;ascript:@JS@">x</a>'),
    Vector("a-js-decimal", "owasp",
        '<a href="&#106;&#97;&#118;&#97;&#115;'
        '&#99;&#114;&#105;&#112;&#116;&#58;@JS@">x</a>'),
    Vector("a-js-hex-nosemi", "owasp",
        '<a href="&#x6A&#x61&#x76&#x61&#x73'
        '&#x63&#x72&#x69&#x70&#x74&#x3A@JS@">x</a>'),
    Vector("a-js-leading-controls", "owasp", '<a href=" &#14;  javascript:@JS@">x</a>'),
    Vector("a-js-colon-entity", "portswigger", '<a href="javascript&colon;@JS@">x</a>'),
    Vector("a-js-newline-comment", "portswigger", '<a href="javascript://%0a@JS@">x</a>'),
    Vector("a-data-html", "owasp", '<a href="data:text/html;base64,@B64HTML@">x</a>'),
    Vector("a-vbscript", "owasp", '<a href="vbscript:msgbox(@N@)">x</a>'),
    Vector("a-onmouseover", "owasp", '<a href="https://example.org/" onmouseover="@JS@">x</a>'),
    # Mutation XSS: markup that changes meaning when a sanitiser's output is parsed again.
    Vector("mxss-noscript", "bleach", '<noscript><p title="</noscript><img src=x onerror=@JS@>">'),
    Vector("mxss-svg-style", "bleach", "<svg><style><img src=x onerror=@JS@>"),
    Vector("mxss-svg-p-style", "mxss", '<svg></p><style><a id="</style><img src=1 onerror=@JS@>">'),
    Vector("mxss-math-style", "bleach", "<math><style><img src=x onerror=@JS@></style></math>"),
    Vector("mxss-math-mglyph", "mxss",
        "<form><math><mtext></form><form><mglyph><style>"
        "</math><img src onerror=@JS@>"),
    Vector("mxss-comment", "html5sec", '<!--<img src="--><img src=x onerror=@JS@//">'),
    Vector("mxss-cdata", "html5sec", "<![CDATA[><img src=x onerror=@JS@>]]>"),
    Vector("mxss-xmp", "html5sec", '<xmp><p title="</xmp><img src=x onerror=@JS@>">'),
    Vector("mxss-textarea", "ours", '<textarea><img title="</textarea><img src=x onerror=@JS@>">'),
    Vector("mxss-template", "mxss", "<template><img src=x onerror=@JS@></template>"),
    # Template and backtick tricks.
    Vector("backtick-call", "portswigger", "<img src=x onerror=@JSTICK@>"),
    Vector("eval-atob", "portswigger", "<img src=x onerror=eval(atob('@B64JS@'))>"),
    Vector("angular-csti", "csti", "{{constructor.constructor('@JS@')()}}"),
    Vector("template-literal", "csti", "`${@JS@}` {{@JS@}} {% debug %}"),
    Vector("js-string-break", "portswigger", "';@JS@;//\";@JS@;//</script><script>@JS@</script>"),
    Vector("fullwidth", "ours", "＜script＞@JS@＜/script＞"),
    # Markdown links and images.
    Vector("md-link-js", "markdown", "[klick](javascript:@JS@)"),
    Vector("md-link-js-title", "markdown", '[klick](javascript:@JS@ "titel")'),
    Vector("md-link-js-angle", "markdown", "[klick](<javascript:@JS@>)"),
    Vector("md-link-entity", "markdown", "[klick](&#x6A;avascript&#x3A;@JS@)"),
    Vector("md-link-data", "markdown", "[klick](data:text/html;base64,@B64HTML@)"),
    Vector("md-image-onerror", "markdown", '![bild](x" onerror="@JS@)'),
    Vector("md-image-quote", "markdown", '![bild](https://example.org/x.png"onerror="@JS@)'),
    Vector("md-link-title-break", "markdown",
        '[x](https://example.org/ '
        '"a\\" onmouseover=\\"@JS@")'),
    Vector("md-reference", "markdown", "[klick][1]\n\n[1]: javascript:@JS@"),
    Vector("md-reference-image", "markdown", '![x][bild]\n\n[bild]: x" onerror="@JS@'),
    Vector("md-nested", "markdown", "[![x](https://example.org/x.png)](javascript:@JS@)"),
    Vector("md-autolink", "markdown", "<javascript:@JS@>"),
    Vector("md-autolink-break", "markdown", '<https://example.org/"onmouseover="@JS@">'),
    Vector("bare-url-break", "ours", 'https://example.org/?q="><script>@JS@</script>'),
    Vector("bare-www-break", "ours", 'www.example.org/"onmouseover="@JS@"'),
    Vector("md-code-span", "markdown", "`<script>@JS@</script>` and ``<img src=x onerror=@JS@>``"),
    # The site's own contexts: attributes, <title>, the textarea, feeds, e-mail.
    Vector("attr-autofocus", "ours", '" autofocus onfocus="@JS@" x="'),
    Vector("attr-single", "ours", "' autofocus onfocus='@JS@' x='"),
    Vector("close-b", "ours", "</b><script>@JS@</script>"),
    Vector("close-title", "ours", "</title><script>@JS@</script>"),
    Vector("close-textarea", "ours", "</textarea><script>@JS@</script>"),
    Vector("close-comment", "html5sec", "--><script>@JS@</script><!--"),
    Vector("feed-cdata", "feeds", "]]><script>@JS@</script><![CDATA["),
    Vector("feed-xhtml", "feeds",
        '</description>'
        '<script xmlns="http://www.w3.org/1999/xhtml">@JS@</script>'),
    Vector("wp-shortcode", "wordpress",
        '[caption id="x" caption="<img src=x onerror=@JS@>"]'
        'x[/caption]'),
    Vector("wp-shortcode-attr", "wordpress",
        '[gallery ids="1" link="javascript:@JS@"]'
        '<a title=\'x" onmouseover="@JS@\'>x</a>'),
    Vector("mail-header", "ours", "x\r\nContent-Type: text/html\r\n\r\n<script>@JS@</script>"),
]  # fmt: skip


def _mixed_case(text: str) -> str:
    """Tag names, attribute names and URL schemes in alternating case (sCrIpT)."""

    def alternate(match):
        return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(match.group(0)))

    text = re.sub(r"(?<=<)/?[a-z]+|(?<=</)[a-z]+", alternate, text)
    text = re.sub(r"\b(?:on[a-z]+|src|href|style|action|formaction|data)(?==)", alternate, text)
    return re.sub(r"javascript|vbscript", alternate, text)


def _whitespace(text: str) -> str:
    """Tabs, newlines and slashes where a filter expects one space; a tab in `javascript:`."""
    text = re.sub(r"(<[A-Za-z]+) ", "\\1\n", text)
    text = re.sub(r"(?i)java(script:)", "java\t\\1", text)
    return text.replace('" ', '"\t/')


def _numeric_references(text: str) -> str:
    """Markup characters and the `javascript:` scheme as numeric character references."""
    text = re.sub(r"(?i)javascript:", "&#x6A;avascript&#x3A;", text)
    return "".join(f"&#{ord(c)};" if c in "<>\"'" else c for c in text)


# The forms: name → function of (payload, marker call).
FORMS = {
    # As the source has it.
    "plain": lambda v, js: v,
    # In a German sentence and a Markdown list item with emphasis, as a comment would be.
    "in-text": lambda v, js: f"Schöner Beitrag, danke! {v} Viele Grüße\n\n- **{v}**",
    # After quotes and a bracket that close an attribute or a tag first.
    "attribute-break": lambda v, js: f"\"'><!-- -->{v}",
    # Mixed case and whitespace where filters expect lower case and single spaces.
    "case-whitespace": lambda v, js: _whitespace(_mixed_case(v)),
    # Numeric character references: must stay text, never decoded twice.
    "numeric-references": lambda v, js: _numeric_references(v),
    # The script percent-encoded (browsers decode javascript: URLs), the rest as is.
    "percent-encoded": lambda v, js: v.replace(js, quote(js, safe="")),
}


@dataclass(frozen=True)
class Payload:
    number: int
    vector: str
    form: str
    source: str
    text: str

    @property
    def marker(self) -> str:
        return f"xss-{self.number}"


def marker_call(number: int) -> str:
    """`alert(N)` for every fourth payload (a dialog), else `__xss(N)` (a recorded call)."""
    return f"alert({number})" if number % 4 == 0 else f"__xss({number})"


def _fill(template: str, number: int) -> tuple[str, str]:
    js = marker_call(number)
    b64_html = base64.b64encode(f"<script>{js}</script>".encode()).decode()
    filled = (
        template.replace("@JSTICK@", f"__xss`{number}`")
        .replace("@B64HTML@", b64_html)
        .replace("@B64JS@", base64.b64encode(js.encode()).decode())
        .replace("@N@", str(number))
        .replace("&#x40;JS&#x40;", html.escape(js).replace("(", "&#40;").replace(")", "&#41;"))
        .replace("@JS@", js)
    )
    return filled, js


def build_corpus() -> list[Payload]:
    """Every base vector in every form, numbered from 1."""
    payloads = []
    number = 0
    for vector in VECTORS:
        for form, transform in FORMS.items():
            number += 1
            filled, js = _fill(vector.template, number)
            text = transform(filled, js)
            payloads.append(Payload(number, vector.name, form, vector.source, text))
    return payloads


CORPUS = build_corpus()
