from django.core.management.base import BaseCommand

from imports import services


class Command(BaseCommand):
    help = (
        "Queue again the imports whose task was lost, and fail those waiting for a day (beat "
        "runs it every 15 minutes: imports.tasks.requeue_stale)."
    )

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(str(services.stale_imports_requeue())))
