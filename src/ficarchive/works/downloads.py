"""Downloads: a work as HTML, EPUB, PDF, TXT (and MOBI/AZW3 with calibre), built once per
revision by a background task and then served from the cache under MEDIA_ROOT."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from ficarchive.formats.export import FORMATS, ExportContext
from ficarchive.tasks import task
from ficarchive.works.exchange import revision, to_parsed
from ficarchive.works.models import Work


def available_formats() -> list[tuple[str, str]]:
    """(key, label) of the formats this installation can make, for download links."""
    return [(key, fmt.name) for key, fmt in FORMATS.items() if fmt.available()]


def cache_path(work: Work, key: str) -> Path:
    return (
        Path(settings.MEDIA_ROOT)
        / "downloads"
        / str(work.pk)
        / (f"{revision(work)}.{FORMATS[key].extension}")
    )


@task()
def build_download(work_id: int, key: str, work_url: str) -> str:
    """Render one work in one format into the cache; older revisions are removed.
    Retry-safe: the file is written under a temporary name and renamed into place."""
    work = Work.objects.for_listing().get(pk=work_id)
    path = cache_path(work, key)
    if path.exists():
        return str(path)
    context = ExportContext(
        archive_name=settings.ARCHIVE_NAME,
        work_url=work_url,
        generated=timezone.localdate(),
        identifier=f"urn:ficarchive:{urlsplit(work_url).netloc or 'localhost'}:work:{work.pk}",
        revision=revision(work),
    )
    data = FORMATS[key].render(to_parsed(work), context)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"*.{FORMATS[key].extension}"):
        old.unlink(missing_ok=True)
    # Write then rename, so a reader never gets half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
    return str(path)
