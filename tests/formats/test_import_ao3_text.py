"""AO3 work pages saved as text: full pages in old and new wording, partial captures and
captures whose paragraph breaks were lost."""

from datetime import date
from pathlib import Path

from ficarchive.formats.importers import detect, parse
from ficarchive.formats.work import SeriesPart

SAMPLES = Path(__file__).parent / "samples"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_full_page_in_the_current_wording():
    data = load("ao3_page_2024.txt")
    assert detect("ao3_page_2024.txt", data) == "ao3-text"
    work = parse("ao3_page_2024.txt", data)
    assert work.title == "The Keeper's Lantern"
    assert work.creators == ["quietwren", "Ottilie"]  # "Ottilie (ottilie_writes)" → pseud
    assert work.rating == "Teen And Up Audiences"
    assert work.warnings == ["Choose Not To Use Archive Warnings", "Graphic Depictions Of Violence"]
    assert work.categories == ["Gen", "F/F"]
    assert work.fandoms == ["Lighthouse Keepers (Invented Series)"]
    assert work.relationships == ["Maren/Isolde"]
    assert work.characters == ["Maren", "Isolde", "Tobin"]
    assert work.additional_tags == ["Found Family", "Storms", "Tea"]
    assert work.language == "English"
    assert work.series == [SeriesPart("Harbour Lights", 2)]
    assert work.published == date(2024, 2, 3)
    assert work.updated == date(2024, 3, 15)
    assert work.expected_chapters == 3
    assert work.complete is False
    assert work.summary == (
        "<p>Maren keeps the lantern lit through the worst storm of the decade.</p>\n"
        "<p>Tea is involved.</p>"
    )
    # The "(See the end of the work …)" pointer is not part of the notes.
    assert work.notes == "<p>Thanks to my beta for the many commas.</p>"
    assert work.end_notes == "<p>Thank you for reading this far!</p>"
    first, second = work.chapters
    assert first.title == "The Storm"
    assert first.summary == "<p>The rain starts.</p>"
    assert first.notes == "<p>This chapter was written on a train.</p>"
    assert first.end_notes == "<p>Next chapter: the fog.</p>"
    assert first.text.startswith("<p>Rain drummed softly against the windows.")
    assert first.text.count("<p>") == 3
    assert first.words == 32
    assert second.title == ""
    assert second.end_notes == ""
    assert "Fog rolled in" in second.text
    assert "Kudos" not in second.text and "Top" not in second.text  # page footer dropped
    assert work.missing == ["source address"]


def test_old_wording_with_guillemets_and_the_x_series():
    work = parse("apples.txt", load("ao3_page_2016.txt"))
    assert work.title == "Apples in September"
    assert work.creators == ["fennick_fan"]
    assert work.rating == "General Audiences"
    assert work.warnings == ["Choose Not To Use Archive Warnings"]
    assert work.characters == ["Juniper", "Fennick"]
    assert work.series == [SeriesPart("Orchard Days", 3)]
    # Stats all on one line, no Updated/Completed: Chapters 1/1 says it is complete.
    assert work.published == date(2015, 9, 20)
    assert work.updated is None
    assert (work.expected_chapters, work.complete) == (1, True)
    assert len(work.chapters) == 1
    assert work.chapters[0].text.count("<p>") == 2  # one paragraph per line: no blank lines
    assert "language" in work.missing and "source address" in work.missing
    assert "rating" not in work.missing


def test_partial_capture_of_text_notes_and_series():
    work = parse("ferry.txt", load("ao3_partial_capture.txt"))
    assert work.title == ""
    assert work.series == [SeriesPart("Crossings", 1)]
    assert work.end_notes == "<p>Written for a prompt about ferries. Thank you for reading!</p>"
    assert len(work.chapters) == 1
    assert work.chapters[0].text.count("<p>") == 3
    assert "Written for a prompt" not in work.chapters[0].text
    assert work.rating == ""
    for phrase in ("title", "creators", "rating", "warnings", "fandoms", "language"):
        assert phrase in work.missing


def test_capture_with_paragraph_breaks_lost_stays_one_paragraph():
    work = parse("ferry.txt", load("ao3_paragraphs_lost.txt"))
    (only,) = work.chapters
    assert only.text.count("<p>") == 1
    assert only.text.startswith("<p>The ferry landing was empty")
    assert only.text.endswith("the ferry finally came.</p>")
    assert work.end_notes == "<p>Thanks for reading.</p>"
    assert work.series == [SeriesPart("Crossings", 2)]  # the new wording: "Part 2 of Crossings"


def test_series_heading_with_its_value_on_the_same_line():
    text = "Some story text here.\n\nSeries this work belongs to: Part 1 of the Crossings series"
    work = parse("x.txt", text.encode())
    assert work.series == [SeriesPart("Crossings", 1)]
    assert work.chapters[0].text == "<p>Some story text here.</p>"


def test_only_the_last_series_heading_is_the_afterword():
    text = (
        "Work Text:\n\nShe read the sign: Series this work belongs to:\n\n"
        "Series this work belongs to:\n\nPart 5 of Signs\n"
    )
    work = parse("x.txt", text.encode())
    assert work.series == [SeriesPart("Signs", 5)]
    assert "She read the sign" in work.chapters[0].text


LAST_CHAPTER_NOTES = """Rating:
Explicit
Archive Warning:
No Archive Warnings Apply
Fandom:
Tea Shop AU
Stats:
Published:
2023-05-01
Completed:
2023-06-01
Words:
1,234,567
Chapters:
1,000/1,000
Hits:
9

Steeped
leafwright

Notes:
(See the end of the work for notes.)

Chapter 1000: The Last Cup

Notes:
Almost done.
(See the end of the chapter for more notes.)
Chapter Text
The kettle whistled somewhere.

Notes:
Chapter end notes.

Notes:
Work end notes.
"""


def test_last_chapter_end_notes_and_work_end_notes_told_apart():
    work = parse("steeped.txt", LAST_CHAPTER_NOTES.encode())
    assert work.rating == "Explicit"
    assert work.notes == ""  # only the pointer was there
    assert (work.expected_chapters, work.complete) == (1000, True)
    assert work.updated == date(2023, 6, 1)
    (last,) = work.chapters
    assert last.title == "The Last Cup"
    assert last.notes == "<p>Almost done.</p>"
    assert last.end_notes == "<p>Chapter end notes.</p>"
    assert last.text == "<p>The kettle whistled somewhere.</p>"
    assert work.end_notes == "<p>Work end notes.</p>"


def test_one_notes_block_after_the_text_is_the_chapters_when_the_work_has_no_end_notes():
    text = LAST_CHAPTER_NOTES.replace("Notes:\n(See the end of the work for notes.)\n\n", "")
    text = text.replace("\nNotes:\nWork end notes.\n", "")
    work = parse("steeped.txt", text.encode())
    assert work.chapters[0].end_notes == "<p>Chapter end notes.</p>"
    assert work.end_notes == ""


def test_work_in_progress_with_unknown_chapter_total():
    text = (
        "Stats:\nPublished: 2022-01-01 Updated: 2022-02-02 Words: 900 Chapters: 3/?\n"
        "Rating: Mature\n\nTitle Here\nsomeone\n\nWork Text:\n\nText."
    )
    work = parse("wip.txt", text.encode())
    assert work.expected_chapters is None
    assert work.complete is False
    assert work.title == "Title Here"


def test_source_address_from_a_works_link_in_the_capture():
    text = "Work Text:\nA story.\n\nhttps://archiveofourown.org/works/424242/chapters/99\n"
    work = parse("x.txt", text.encode())
    assert work.source_url == "https://archiveofourown.org/works/424242"


def test_unknown_rating_and_warning_are_reported_not_invented():
    text = (
        "Rating: Adults Only\nArchive Warning: Spiders\nFandom: Webs\n\nT\nA\n\nWork Text:\nText."
    )
    work = parse("x.txt", text.encode())
    assert work.rating == ""
    assert work.warnings == []
    assert 'rating (the file says "Adults Only")' in work.missing
    assert 'warning (the file says "Spiders")' in work.missing


COPIED_WITHOUT_LANDMARKS = """Rating:
General Audiences
Archive Warning:
No Archive Warnings Apply
Fandom:
Rooftop Gardens
Stats:
Published: 2019-07-07 Updated: 2019-08-08 Words: 40 Chapters: 2/4

Rooftop Rain
Sunniva

Chapter 1: Seedlings

Summary:
Pots everywhere.

Sunniva watered the herbs on the sill.

The rooftop garden was quiet.

Chapter 2: Thunder

Thunder grumbled somewhere far away.

Series this work belongs to:
Part 1 of Rooftops
"""


def test_copied_page_without_the_hidden_chapter_text_headings():
    work = parse("roof.txt", COPIED_WITHOUT_LANDMARKS.encode())
    assert work.title == "Rooftop Rain"
    assert (work.expected_chapters, work.complete) == (4, False)
    first, second = work.chapters
    assert first.title == "Seedlings"
    assert first.summary == "<p>Pots everywhere.</p>"
    assert first.text == (
        "<p>Sunniva watered the herbs on the sill.</p>\n<p>The rooftop garden was quiet.</p>"
    )
    assert second.title == "Thunder"
    assert second.text == "<p>Thunder grumbled somewhere far away.</p>"
    assert work.series == [SeriesPart("Rooftops", 1)]


def test_work_text_heading_with_the_text_on_the_same_line():
    work = parse("x.txt", b"Work Text: Once upon a time there was a kettle.")
    assert work.chapters[0].text == "<p>Once upon a time there was a kettle.</p>"
