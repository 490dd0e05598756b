"""Admin CSV uploads too big to import within a request: stored, imported by a worker, followed on a status page.

The import itself is companies.importing, shared with `manage.py import_companies`. Progress goes to the cache
(the import writes in one transaction, so a progress row in the database would stay invisible until the end);
the outcome, the counts or the first problems found, goes on the CompanyImport row.
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from companies.importing import CompanyImportError, ImportResult, RowError, companies_import
from companies.models import CompanyImport

# However many rows are wrong, pages list this many problems and give the count (issue 17: 78 MB of HTML).
ERRORS_SHOWN = 200
PROGRESS_SECONDS = 24 * 3600


def company_import_errors(errors: list[RowError]) -> tuple[list[str], int]:
    """The first ERRORS_SHOWN problems as text, and how many there are in all."""
    return [str(error) for error in errors[:ERRORS_SHOWN]], len(errors)


def company_import_start(*, data: bytes, file_name: str, by: User) -> CompanyImport:
    """Store an uploaded file and have a worker import it once this transaction commits."""
    job = CompanyImport.objects.create(uploaded_by=by, file_name=file_name[:255], data=data)
    transaction.on_commit(lambda: company_import_run_task.delay(job.pk))
    return job


def company_import_run(*, import_id: int) -> None:
    """Claim a waiting upload and import it; nothing happens if another worker has it or it is gone."""
    claimed = CompanyImport.objects.filter(pk=import_id, status=CompanyImport.Status.PENDING).update(
        status=CompanyImport.Status.RUNNING
    )
    if not claimed:
        return
    job = CompanyImport.objects.select_related("uploaded_by").get(pk=import_id)

    def report(stage: str, done: int, total: int) -> None:
        cache.set(_progress_key(import_id), (stage, done, total), timeout=PROGRESS_SECONDS)

    finished = {"data": b"", "finished_at": timezone.now()}
    try:
        # The problems are stored and read later by anyone: in the site's language, also when the job runs in the
        # uploading request (eager Celery, as in `make run`) under /ja/.
        with translation.override(settings.LANGUAGE_CODE):
            result = companies_import(data=bytes(job.data), by=job.uploaded_by, source=job.file_name, report=report)
    except CompanyImportError as exc:
        with translation.override(settings.LANGUAGE_CODE):
            shown, count = company_import_errors(exc.errors)
        outcome = {"status": CompanyImport.Status.FAILED, "errors": shown, "error_count": count}
    except Exception:
        CompanyImport.objects.filter(pk=import_id).update(
            status=CompanyImport.Status.FAILED, errors=["The import stopped on an internal error."], error_count=1
        )
        raise
    else:
        outcome = {
            "status": CompanyImport.Status.DONE,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "created_names": result.created_names,
            "updated_names": result.updated_names,
            "overwritten": result.overwritten,
            "overwritten_names": result.overwritten_names,
        }
    finished["finished_at"] = timezone.now()
    CompanyImport.objects.filter(pk=import_id).update(**outcome, **finished)
    cache.delete(_progress_key(import_id))


def company_import_result(job: CompanyImport) -> ImportResult:
    """What a finished background import did, as the inline upload and the command have it, to be named alike."""
    return ImportResult(
        created=job.created,
        updated=job.updated,
        unchanged=job.unchanged,
        created_names=list(job.created_names),
        updated_names=list(job.updated_names),
        overwritten=job.overwritten,
        overwritten_names=list(job.overwritten_names),
    )


def company_import_progress(job: CompanyImport) -> tuple[str, int, int] | None:
    """(stage, done, total) of a running import, as its worker last reported it; None before the first report."""
    return cache.get(_progress_key(job.pk))


def _progress_key(import_id: int) -> str:
    return f"company-import-progress:{import_id}"


# The task lives beside its service (companies.tasks re-exports it for Celery's autodiscovery), so starting an
# import and running it need no import ring. No late acks: a redelivered import would find its job claimed
# already, and the import is all or nothing anyway.
@shared_task(name="companies.import_run", ignore_result=True, soft_time_limit=3000, time_limit=3060)
def company_import_run_task(import_id: int) -> None:
    """Import an uploaded CSV file of firms in the background."""
    company_import_run(import_id=import_id)
