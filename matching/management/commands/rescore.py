"""`manage.py rescore [--company SLUG] [--opportunity SLUG] [--sync]`: full, per-firm or per-opportunity rescoring."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from companies.models import Company
from matching import dispatch, runs
from matching.models import MatchRun
from programmes.models import Opportunity


class Command(BaseCommand):
    help = "Rescore every firm (default), one firm or one opportunity; --sync runs here instead of on the workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", metavar="SLUG", help="rescore this firm only")
        parser.add_argument("--opportunity", metavar="SLUG", help="rescore this opportunity only")
        parser.add_argument("--sync", action="store_true", help="run in this process, not through Celery")

    def handle(self, *args: Any, **options: Any) -> None:
        scope, target = self._target(options)
        started = time.monotonic()
        if options["sync"]:
            run = runs.match_run_create(scope=scope, **target)
            with tqdm(total=None, unit="pairs", unit_scale=True, disable=options["verbosity"] == 0) as bar:
                runs.match_run_execute(run_id=run.pk, progress=lambda pairs, stored: bar.update(pairs))
        else:
            try:
                run = dispatch.match_run_start(scope=scope, **target)
            except dispatch.QueueUnavailable as down:
                raise CommandError(f"{down}; or rescore now with --sync") from down
            run = self._wait(run, verbose=options["verbosity"] > 0)
        run.refresh_from_db()
        seconds = time.monotonic() - started
        if run.status != MatchRun.Status.SUCCEEDED:
            raise CommandError(f"run {run.pk} {run.status}: {run.error or 'no result'}")
        self.stdout.write(
            f"run {run.pk} {run.status}: {run.pairs_scored} pairs scored, {run.matches_stored} matches stored, "
            f"{seconds:.1f} s"
        )

    def _target(self, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if options["company"] and options["opportunity"]:
            raise CommandError("give --company or --opportunity, not both")
        if options["company"]:
            company = Company.objects.filter(slug=options["company"]).first()
            if company is None:
                raise CommandError(f"no firm with slug {options['company']!r}")
            return MatchRun.Scope.COMPANY, {"company": company}
        if options["opportunity"]:
            opportunity = Opportunity.objects.filter(slug=options["opportunity"]).first()
            if opportunity is None:
                raise CommandError(f"no opportunity with slug {options['opportunity']!r}")
            return MatchRun.Scope.OPPORTUNITY, {"opportunity": opportunity}
        return MatchRun.Scope.ALL, {}

    def _wait(self, run: MatchRun, *, verbose: bool) -> MatchRun:
        """Follow a run on the workers until it ends (Ctrl-C stops waiting; the run goes on)."""
        with tqdm(total=None, unit="chunks", disable=not verbose) as bar:
            while True:
                run.refresh_from_db()
                bar.total = run.chunks_total or None
                bar.n = run.chunks_done
                bar.refresh()
                if run.status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED):
                    return run
                time.sleep(0.5)
