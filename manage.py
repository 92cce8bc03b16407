#!/usr/bin/env python
import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent / "src"


def main() -> None:
    # Each app is a distribution under src/<app>/ (installed editable by the Makefile too).
    sys.path[:0] = [str(path.parent) for path in sorted(SRC.glob("*/pyproject.toml"))]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
