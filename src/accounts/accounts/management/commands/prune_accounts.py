from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Delete expired refresh tokens and old login records (beat runs it daily: "
        "accounts.tasks.prune_expired)."
    )

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(str(services.expired_records_prune())))
