"""Settings for the test suite: fast hashing, in-memory mail and cache."""

from kotacerdas.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pinned query counts count the region's lookup on every page; core/tests/test_tenancy turns the cache on.
REGION_CACHE_SECONDS = 0
# Pinned query counts of public pages count the stamp's read; core/tests/test_pagecache turns the keeping on.
SHARED_COPY_STAMP_SECONDS = 0
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
