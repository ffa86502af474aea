from ficarchive.formats.sanitize import (
    MAX_NESTING,
    add_paragraphs,
    limit_nesting,
    sanitize_html,
    strip_tags,
)


def test_plain_text_gets_paragraphs_and_line_breaks():
    assert add_paragraphs("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_text_with_block_markup_keeps_its_own_layout():
    assert add_paragraphs("<p>one</p>\n\n<p>two</p>") == "<p>one</p>\n\n<p>two</p>"


def test_scripts_styles_frames_and_svg_vanish_with_their_content():
    dirty = (
        "<p>ok</p><script>alert(1)</script><style>p{}</style><iframe src=x>in</iframe>"
        "<svg><text>svgtext</text></svg><math><mi>x</mi></math><noscript>ns</noscript>"
    )
    clean = sanitize_html(dirty)
    assert clean == "<p>ok</p>"


def test_event_handlers_and_style_attributes_are_dropped():
    clean = sanitize_html('<p onclick="x()" style="color:red" title="t">hi</p>')
    assert clean == '<p title="t">hi</p>'


def test_javascript_links_lose_their_href_and_links_get_nofollow():
    clean = sanitize_html('<a href="javascript:alert(1)">a</a> <a href="https://e.org">b</a>')
    assert "javascript" not in clean
    assert '<a href="https://e.org" rel="nofollow">b</a>' in clean


def test_images_only_from_http_or_https():
    assert "src" not in sanitize_html('<img src="data:image/png;base64,AAAA">')
    assert 'src="https://e.org/a.png"' in sanitize_html('<img src="https://e.org/a.png">')


def test_class_names_are_checked_and_can_be_refused():
    assert sanitize_html('<p class="good 9bad">x</p>') == '<p class="good">x</p>'
    assert sanitize_html('<p class="good">x</p>', allow_classes=False) == "<p>x</p>"


def test_allowed_structure_survives():
    html = (
        '<table><tr><th scope="col">h</th></tr></table><details open><summary>s</summary></details>'
    )
    clean = sanitize_html(html)
    assert '<th scope="col">h</th>' in clean
    assert "<details open" in clean


def test_strip_tags_decodes_entities_and_drops_scripts():
    assert strip_tags("<p>Tom &amp; Jerry</p><script>x</script>") == "Tom & Jerry"


def test_cleaning_twice_changes_nothing():
    """An <rt> inside an <rt> (left by unwrapping <font>) used to be reshaped on each edit."""
    for dirty in ["<ruby>x<rt><font><rt>y</rt><rp>z</rp></font></rt></ruby>", "<p <img src=x>>"]:
        clean = sanitize_html(dirty)
        assert sanitize_html(clean) == clean


def test_text_whose_only_block_markup_was_hostile_still_gets_paragraphs():
    once = sanitize_html("<p <b>one</b>\n\ntwo")
    assert sanitize_html(once) == once
    assert sanitize_html("<script>x</script>one\n\ntwo") == "<p>one</p>\n<p>two</p>"


def test_nesting_beyond_the_limit_loses_its_tags_but_not_its_text():
    deep = "<div>" * (MAX_NESTING + 50) + "words" + "</div>" * (MAX_NESTING + 50)
    limited = limit_nesting(deep)
    assert limited.count("<div>") == MAX_NESTING == limited.count("</div>")
    assert "words" in sanitize_html(deep)


def test_nesting_counts_tags_as_a_browser_reads_them():
    # A quoted value may hold "<" and ">"; void elements never open anything.
    text = '<b title="<i><i>">' + "<br><img src=x>" * 5 + "<i>x</i></b>"
    assert limit_nesting(text, limit=2) == text
    assert limit_nesting("<b><i><u>x</u></i>y</b>", limit=2) == "<b><i>x</i>y</b>"


def test_ordinary_text_is_left_as_it_is():
    text = "<p>One <em>two</em> three.</p>" * 500
    assert limit_nesting(text) == text
