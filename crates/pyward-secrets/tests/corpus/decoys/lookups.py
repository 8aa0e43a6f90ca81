import os
from django.conf import settings

password = os.environ["DB_PASSWORD"]
password = os.environ.get("DB_PASSWORD")
password = os.getenv("DB_PASSWORD")
api_key = os.getenv("API_KEY", "")
secret = config.get("secret")
token = settings.get("token", None)
client_secret = vault.read("secret/data/app")
password = ""
password = None
api_key = "<your-key>"
api_key = "your_api_key_here"
password = "changeme"
secret = "${SECRET}"
token = "{{ token }}"
password = "***"
password = "xxx"
password = "example"
aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"
aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
STRIPE = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"
token_type = "Bearer"
password_field = "password"
PASSWORD_ENV = "DB_PASSWORD"
TOKEN_HEADER = "X-Auth-Token"
SECRET_NAME = "prod/db/password"
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
tokenizer = "bert-base-uncased"
author = "Jane Doe <jane@example.org>"
password = input("Password: ")
print("Enter your password:")
if password == "letmein":
    pass
def login(user, password="", token=None):
    return auth(user, password=password, token=token)
password = getpass.getpass(prompt="Password: ")
help_text = "The API key is in the dashboard"
secret = "secret"
key = "a_dict_key"
keyring_backend = "keyring.backends.SecretService.Keyring"
api_key = settings.API_KEY
url = f"https://{user}:{password}@{host}/"
DSN = "postgresql://%(user)s:%(password)s@%(host)s/db"
REDIS = "redis://:{password}@localhost:6379"
URL = "https://user:<password>@example.com"
ENGINE = "postgresql://scott:tiger@localhost/test"
conn = e.execution_options(logging_token="track1")
User.objects.filter(password__startswith="md5$$")
AUTH_USER_MODEL = "auth.User"
"password": "pbkdf2_sha256$10000$LUyhxJjuLwXF$f6Zbpnx1L5dPze8m0itBaHMDyZ/n6JyhuavQy2RrBIM="
FORMATTER = "Terminal256Formatter"
ENCODED = "dXNlcm5hbWU6cGFzc3dvcmQ="
FLAG = "/DPythonArchitecture=AMD64"
