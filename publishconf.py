"""Pelican settings for publishing: pelicanconf plus the public site URL."""

from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# Feeds need absolute URLs; pages keep linking relatively.
SITEURL = os.environ.get("SITREP_SITEURL") or "https://sitrep.example.internal"  # set but empty: the default too
