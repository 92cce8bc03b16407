"""What a username may be, beyond Django's own rules (letters, digits and @.+-_)."""

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError


def validate_single_script(value: str) -> None:
    """Refuse a name that mixes scripts with letters that look alike ("alice" with a Cyrillic
    "a"): it could pass for another account's. Unicode's confusables data, through
    confusable_homoglyphs."""
    if confusables.is_dangerous(value):
        raise ValidationError(
            "Use letters of one script: this name mixes scripts whose letters look alike.",
            code="confusable",
        )
