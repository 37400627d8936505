import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tillit.privacy.promises import counts, default_tests_dir, run_marked_tests, summarise


class Command(BaseCommand):
    help = ("Run the tests that prove the privacy policy's promises and report every "
            "requirement (proven, failing, unproven) and every promise (proven, partial, "
            "failing, unproven). Exits non-zero only when a marked test fails.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--language", choices=["en", "sv"], default="en",
                            help="the language of the promises' texts")
        parser.add_argument("--tests", type=Path, default=None,
                            help="the tests folder (default: the project's tests/)")
        parser.add_argument("--results", type=Path, default=None,
                            help="read per-test results from this JSON file instead of "
                                 "running pytest (as written by --promise-report)")

    def handle(self, *args, **options):
        if options["results"]:
            try:
                results = json.loads(options["results"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {options['results']}: {exc}") from exc
        else:
            tests_dir = options["tests"] or default_tests_dir()
            if not tests_dir.is_dir():
                raise CommandError(f"No tests folder at {tests_dir}.")
            try:
                results = run_marked_tests(tests_dir)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
        report = summarise(results, options["language"])
        if options["format"] == "json":
            self.stdout.write(json.dumps([p.as_dict() for p in report], indent=2,
                                         ensure_ascii=False))
        else:
            self._write_text(report)
        if any(p.status == "failing" for p in report):
            raise SystemExit(1)

    def _write_text(self, report) -> None:
        for p in report:
            self.stdout.write(f"{p.id}    {p.status:<9} {p.summary}")
            for r in p.requirements:
                self.stdout.write(f"  {r.id}  {r.status:<9} {r.text}")
                for test in r.tests:
                    self.stdout.write(f"           - {test}")
        total = counts(report)
        promises, requirements = total["promises"], total["requirements"]
        self.stdout.write(
            f"\nRequirements: {requirements['proven']} proven, {requirements['unproven']} "
            f"unproven, {requirements['failing']} failing, of "
            f"{sum(requirements.values())}.\n"
            f"Promises: {promises['proven']} proven, {promises['partial']} partial, "
            f"{promises['unproven']} unproven, {promises['failing']} failing, of {len(report)}."
        )
