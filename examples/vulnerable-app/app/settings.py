"""Django-style settings with the classic mistakes left in."""

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "django-insecure-8f3k2j5h6g7d9s0a1q2w3e4r5t6y7u8i9o0p"

# Credentials written into the source instead of read from the environment.
DATABASE_URL = "postgresql://app:S3cr3tPassw0rd@db.internal:5432/app"
AWS_ACCESS_KEY_ID = "AKIAZ3MZQH5TXJ4W7B2N"
AWS_SECRET_ACCESS_KEY = "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"
