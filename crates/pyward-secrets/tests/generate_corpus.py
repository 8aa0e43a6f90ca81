#!/usr/bin/env python3
"""Writes tests/corpus/ and its TRUTH file: `python3 tests/generate_corpus.py tests/corpus`.

Every value is random (fixed seed), fake and never issued by any service."""
import random, string, os, json, sys, base64
R = random.Random(20261129)
B32 = string.ascii_uppercase + "234567"
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
def rnd(alpha, n):
    while True:
        s = "".join(R.choice(alpha) for _ in range(n))
        if alpha in (ALNUM, B64, URLSAFE) and n >= 16:
            if not (any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)):
                continue
        return s

out = sys.argv[1]
truth = []
def write(path, lines, binary=None):
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
    if binary is not None:
        open(full, "wb").write(binary); return
    text = []
    for i, item in enumerate(lines, 1):
        if isinstance(item, tuple):
            line, det = item
            truth.append((path, i, det))
        else:
            line = item
        text.append(line)
    open(full, "w").write("\n".join(text) + "\n")

def jwt():
    h = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    p = base64.urlsafe_b64encode(json.dumps({"sub": rnd(HEX, 12), "name": "Fake User", "iat": 1700000000}).encode()).rstrip(b"=").decode()
    return f"{h}.{p}.{rnd(URLSAFE, 43)}"

def pem_body(n_lines, width=64):
    return [rnd(B64, width) for _ in range(n_lines)] + [rnd(B64, 20) + "=="]

# ---------------------------------------------------------------- tokens
write("src/app/credentials.py", [
    '"""Planted FAKE credentials for the pyward secrets corpus: random, never issued."""',
    "import os",
    "",
    (f'AWS_ACCESS_KEY_ID = "AKIA{rnd(B32, 16)}"', "aws-access-key-id"),
    (f'AWS_SECRET_ACCESS_KEY = "{rnd(B64, 40)}"', "aws-secret-access-key"),
    (f'STS_SESSION = "ASIA{rnd(B32, 16)}"', "aws-access-key-id"),
    (f'MAPS_KEY = "AIza{rnd(URLSAFE, 35)}"', "google-api-key"),
    (f'GH_CLASSIC = "ghp_{rnd(ALNUM, 36)}"', "github-token"),
    (f'GH_OAUTH = "gho_{rnd(ALNUM, 36)}"', "github-token"),
    (f'GH_USER_TO_SERVER = "ghu_{rnd(ALNUM, 36)}"', "github-token"),
    (f'GH_SERVER = "ghs_{rnd(ALNUM, 36)}"', "github-token"),
    (f'GH_REFRESH = "ghr_{rnd(ALNUM, 76)}"', "github-token"),
    (f'GH_FINE_GRAINED = "github_pat_{rnd(ALNUM, 22)}_{rnd(ALNUM, 59)}"', "github-token"),
    (f'GITLAB = "glpat-{rnd(URLSAFE, 20)}"', "gitlab-token"),
    (f'GITLAB_RUNNER = "glrt-{rnd(URLSAFE, 24)}"', "gitlab-token"),
    (f'SLACK_BOT = "xoxb-{rnd(string.digits, 12)}-{rnd(string.digits, 13)}-{rnd(ALNUM, 24)}"', "slack-token"),
    (f'SLACK_USER = "xoxp-{rnd(string.digits, 12)}-{rnd(string.digits, 12)}-{rnd(string.digits, 13)}-{rnd(HEX, 32)}"', "slack-token"),
    (f'STRIPE_LIVE = "sk_live_{rnd(ALNUM, 24)}"', "stripe-key"),
    (f'STRIPE_RESTRICTED = "rk_live_{rnd(ALNUM, 24)}"', "stripe-key"),
    (f'STRIPE_TEST = "sk_test_{rnd(ALNUM, 24)}"', "stripe-key"),
    (f'STRIPE_PUBLISHABLE = "pk_live_{rnd(ALNUM, 24)}"', None) [0],
    (f'TWILIO_API_KEY = "SK{rnd(HEX, 32)}"', "twilio"),
    (f'TWILIO_AUTH_TOKEN = "{rnd(HEX, 32)}"', "twilio"),
    (f'SENDGRID = "SG.{rnd(URLSAFE, 22)}.{rnd(URLSAFE, 43)}"', "sendgrid"),
    (f'MAILGUN = "key-{rnd(string.ascii_lowercase + string.digits, 32)}"', "mailgun"),
    (f'MAILGUN_API_KEY = "{rnd(HEX, 32)}-{rnd(HEX, 8)}-{rnd(HEX, 8)}"', "mailgun"),
    (f'NPM = "npm_{rnd(ALNUM, 36)}"', "npm-token"),
    (f'PYPI = "pypi-AgEIcHlwaS5vcmc{rnd(URLSAFE, 70)}"', "pypi-token"),
    (f'TEST_PYPI = "pypi-AgENdGVzdC5weXBpLm9yZw{rnd(URLSAFE, 70)}"', "pypi-token"),
    (f'OPENAI = "sk-proj-{rnd(URLSAFE, 74)}T3BlbkFJ{rnd(URLSAFE, 74)}"', "openai-api-key"),
    (f'OPENAI_LEGACY = "sk-{rnd(ALNUM, 20)}T3BlbkFJ{rnd(ALNUM, 20)}"', "openai-api-key"),
    (f'ANTHROPIC = "sk-ant-api03-{rnd(URLSAFE, 93)}AA"', "anthropic-api-key"),
    (f'SESSION_JWT = "{jwt()}"', "jwt"),
    "",
    "# Suppressed on purpose:",
    f'ALLOWED = "ghp_{rnd(ALNUM, 36)}"  # pragma: allowlist secret',
    f'ALSO_ALLOWED = "sk_live_{rnd(ALNUM, 24)}"  # nosec',
    "# pragma: allowlist nextline secret",
    f'NEXT_LINE_ALLOWED = "xoxb-{rnd(string.digits, 12)}-{rnd(string.digits, 13)}-{rnd(ALNUM, 24)}"',
])

write("src/app/notify.py", [
    "import requests",
    "",
    (f'WEBHOOK = "https://hooks.slack.com/services/T{rnd(string.ascii_uppercase + string.digits, 8)}/B{rnd(string.ascii_uppercase + string.digits, 10)}/{rnd(ALNUM, 24)}"', "slack-webhook"),
    "",
    "def notify(text):",
    "    requests.post(WEBHOOK, json={'text': text}, timeout=5)",
    "",
    "def client():",
    (f'    return Client(api_key="{rnd(ALNUM, 32)}", timeout=10)', "password-assignment"),
])

# ---------------------------------------------------------------- Google / Azure
sa_key = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(pem_body(8)) + "\\n-----END PRIVATE KEY-----\\n"
write("deploy/service-account.json", [
    "{",
    '  "type": "service_account",',
    '  "project_id": "pyward-corpus",',
    f'  "private_key_id": "{rnd(HEX, 40)}",',
    (f'  "private_key": "{sa_key}",', "google-service-account"),
    '  "client_email": "corpus@pyward-corpus.iam.gserviceaccount.com",',
    f'  "client_id": "{rnd(string.digits, 21)}",',
    '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
    '  "token_uri": "https://oauth2.googleapis.com/token"',
    "}",
])
write("deploy/appsettings.json", [
    "{",
    '  "ConnectionStrings": {',
    (f'    "Storage": "DefaultEndpointsProtocol=https;AccountName=pywardcorpus;AccountKey={rnd(B64, 86)}==;EndpointSuffix=core.windows.net",', "azure-storage-key"),
    (f'    "Bus": "Endpoint=sb://pyward.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={rnd(B64, 43)}=",', "azure-connection-string"),
    '    "Local": "UseDevelopmentStorage=true",',
    '    "Emulator": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"',
    "  },",
    (f'  "ClientSecret": "{rnd(ALNUM, 34)}",', "password-assignment"),
    '  "Password": ""',
    "}",
])

# ---------------------------------------------------------------- keys
write("keys/server.key", ["-----BEGIN RSA PRIVATE KEY-----"] + pem_body(12) + ["-----END RSA PRIVATE KEY-----"])
truth.append(("keys/server.key", 1, "private-key"))
write("keys/id_ed25519", ["-----BEGIN OPENSSH PRIVATE KEY-----"] + pem_body(5, 70) + ["-----END OPENSSH PRIVATE KEY-----"])
truth.append(("keys/id_ed25519", 1, "private-key"))
write("keys/signing.asc", ["-----BEGIN PGP PRIVATE KEY BLOCK-----", "Comment: FAKE key for the pyward corpus", ""] + pem_body(10) + ["=" + rnd(B64, 4), "-----END PGP PRIVATE KEY BLOCK-----"])
truth.append(("keys/signing.asc", 1, "private-key"))
write("src/app/tls.py", [
    "# A key pasted into code, and code that only looks for key headers.",
    ('KEY = """-----BEGIN EC PRIVATE KEY-----', "private-key"),
    *pem_body(3),
    '-----END EC PRIVATE KEY-----"""',
    "",
    "def is_key(text):",
    '    return text.startswith("-----BEGIN RSA PRIVATE KEY-----")',
    "",
    'HEADER = "-----BEGIN PRIVATE KEY-----"',
    'FOOTER = "-----END PRIVATE KEY-----"',
])
write("keys/cert.pem", ["-----BEGIN CERTIFICATE-----"] + pem_body(10) + ["-----END CERTIFICATE-----"])
write("keys/id_ed25519.pub", [f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rnd(B64, 43)} corpus@pyward"])

# ---------------------------------------------------------------- configs
write("config/database.yml", [
    "production:",
    (f"  url: postgresql://app_user:{rnd(ALNUM, 14)}@db.internal:5432/app", "url-credentials"),
    (f"  password: {rnd(ALNUM, 10)}#{rnd(ALNUM, 3)}", "password-assignment"),
    "staging:",
    "  password: ${DB_PASSWORD}",
    '  password_file: "/run/secrets/db_password"',
    '  secret: "{{ vault_db_secret }}"',
    "  token: null",
    "  api_key: ~",
    "  auth: basic",
    "development:",
    "  url: postgres://postgres:postgres@localhost:5432/dev",
    "  url2: postgresql://user:password@localhost/db",
    "  url3: redis://:${REDIS_PASSWORD}@redis:6379/0",
    "  url4: https://user:pass@example.com/path",
    "  url5: https://pypi.org/simple/",
    (f"  signature: {rnd(B64, 44)}", "high-entropy-string"),
])
write("config/.env", [
    "# FAKE values for the pyward corpus",
    (f"DATABASE_URL=mysql://root:{rnd(ALNUM, 16)}@10.0.0.5:3306/shop", "url-credentials"),
    (f"MONGO_URL=mongodb+srv://admin:{rnd(ALNUM, 14)}@cluster0.ab1cd.mongodb.net/db", "url-credentials"),
    (f"AMQP_URL=amqp://worker:{rnd(ALNUM, 12)}@rabbit:5672/", "url-credentials"),
    (f"SECRET_KEY={rnd(ALNUM, 40)}", "password-assignment"),
    (f"export API_TOKEN=tok_{rnd(ALNUM, 20)}", "password-assignment"),
    "DEBUG=true",
    "GUEST_URL=amqp://guest:guest@localhost:5672/",
    "DB_PASSWORD=",
    "SMTP_PASSWORD=changeme",
    "API_KEY=your_api_key_here",
    "JWT_SECRET=${JWT_SECRET}",
    "ALLOWED_HOSTS=localhost,127.0.0.1",
    "TIME_ZONE=Europe/Berlin",
])
write("config/app.toml", [
    "[database]",
    'host = "db.internal"',
    (f'password = "{rnd(ALNUM, 8)}!{rnd(ALNUM, 4)}"', "password-assignment"),
    "",
    "[service]",
    (f'api_key = "{rnd(HEX, 32)}"', "password-assignment"),
    'api_key_header = "X-Api-Key"',
    'token_url = "https://auth.internal/token"',
    "",
    "[build]",
    f'sha256 = "{rnd(HEX, 64)}"',
    f'checksum = "{rnd(HEX, 32)}"',
    f'commit = "{rnd(HEX, 40)}"',
])
write("config/mail.ini", [
    "[smtp]",
    "host = smtp.internal",
    (f"password = {rnd(ALNUM, 12)}", "password-assignment"),
    "password_prompt = Enter the SMTP password",
    "",
    "[other]",
    "password = %(SMTP_PASSWORD)s",
    "secret =",
    "token = <your-token>",
])
write("config/.npmrc", [
    "registry=https://registry.npmjs.org/",
    (f"//registry.npmjs.org/:_authToken={rnd(HEX, 8)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 12)}", "npm-token"),
    "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}",
])
write("config/.pypirc", [
    "[distutils]",
    "index-servers = pypi",
    "",
    "[pypi]",
    "username = __token__",
    (f"password = pypi-AgEIcHlwaS5vcmc{rnd(URLSAFE, 80)}", "pypi-token"),
])
write("config/settings.json", [
    "{",
    (f'  "client_secret": "{rnd(ALNUM, 24)}-{rnd(ALNUM, 6)}",', "password-assignment"),
    '  "password": "",',
    '  "token": null,',
    '  "api_key": "<your-key>",',
    '  "auth": {"type": "oauth2"},',
    f'  "request_id": "{rnd(HEX, 8)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 12)}",',
    f'  "integrity": "sha512-{rnd(B64, 86)}==",',
    f'  "etag": "{rnd(ALNUM, 27)}",',
    (f'  "cipher": "{rnd(B64, 43)}="', "high-entropy-string"),
    "}",
])

write("src/app/crypto.py", [
    "from cryptography.fernet import Fernet",
    "",
    (f'FERNET = Fernet(b"{rnd(URLSAFE, 43)}=")', "high-entropy-string"),
    (f'blob = "{rnd(B64, 32)}"', "high-entropy-string"),
    (f'headers = {{"X-Internal": "{rnd(HEX, 40)}"}}  # internal api key', "high-entropy-string"),
    "",
    "CLASS_NAME = \"AbstractBaseUserManagerFactory2\"",
    'ASSET = "static/img/logo-2x-Retina.png"',
    'LOGGER_NAME = "app.services.payments.StripeWebhookV2"',
    f'EXPECTED_SHA256 = "{rnd(HEX, 64)}"',
    f'DIGEST_B64 = "{rnd(B64, 43)}="',
    f'GIT_REVISION = "{rnd(HEX, 40)}"',
    f'TRACE_ID = "{rnd(HEX, 32)}"',
    f'ID = "{rnd(HEX, 8)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 12)}"',
])

# ---------------------------------------------------------------- decoys
write("decoys/lookups.py", [
    "import os",
    "from django.conf import settings",
    "",
    'password = os.environ["DB_PASSWORD"]',
    'password = os.environ.get("DB_PASSWORD")',
    'password = os.getenv("DB_PASSWORD")',
    'api_key = os.getenv("API_KEY", "")',
    'secret = config.get("secret")',
    'token = settings.get("token", None)',
    'client_secret = vault.read("secret/data/app")',
    'password = ""',
    "password = None",
    'api_key = "<your-key>"',
    'api_key = "your_api_key_here"',
    'password = "changeme"',
    'secret = "${SECRET}"',
    'token = "{{ token }}"',
    'password = "***"',
    'password = "xxx"',
    'password = "example"',
    'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',
    'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    'GITHUB_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'STRIPE = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"',
    'token_type = "Bearer"',
    'password_field = "password"',
    'PASSWORD_ENV = "DB_PASSWORD"',
    'TOKEN_HEADER = "X-Auth-Token"',
    'SECRET_NAME = "prod/db/password"',
    'AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]',
    'tokenizer = "bert-base-uncased"',
    'author = "Jane Doe <jane@example.org>"',
    'password = input("Password: ")',
    'print("Enter your password:")',
    'if password == "letmein":',
    '    pass',
    'def login(user, password="", token=None):',
    '    return auth(user, password=password, token=token)',
    'password = getpass.getpass(prompt="Password: ")',
    'help_text = "The API key is in the dashboard"',
    'secret = "secret"',
    'key = "a_dict_key"',
    'keyring_backend = "keyring.backends.SecretService.Keyring"',
    'api_key = settings.API_KEY',
    "url = f\"https://{user}:{password}@{host}/\"",
    'DSN = "postgresql://%(user)s:%(password)s@%(host)s/db"',
    'REDIS = "redis://:{password}@localhost:6379"',
    'URL = "https://user:<password>@example.com"',
    'ENGINE = "postgresql://scott:tiger@localhost/test"',
    'conn = e.execution_options(logging_token="track1")',
    'User.objects.filter(password__startswith="md5$$")',
    'AUTH_USER_MODEL = "auth.User"',
    '"password": "pbkdf2_sha256$10000$LUyhxJjuLwXF$f6Zbpnx1L5dPze8m0itBaHMDyZ/n6JyhuavQy2RrBIM="',
    'FORMATTER = "Terminal256Formatter"',
    'ENCODED = "dXNlcm5hbWU6cGFzc3dvcmQ="',
    'FLAG = "/DPythonArchitecture=AMD64"',
])
write("decoys/requirements.txt", [
    "flask==3.0.0 \\",
    f"    --hash=sha256:{rnd(HEX, 64)} \\",
    f"    --hash=sha256:{rnd(HEX, 64)}",
    "requests==2.32.0 --hash=sha256:" + rnd(HEX, 64),
])
write("decoys/poetry.lock", [
    "[[package]]",
    'name = "flask"',
    'version = "3.0.0"',
    "files = [",
    f'    {{file = "flask-3.0.0-py3-none-any.whl", hash = "sha256:{rnd(HEX, 64)}"}},',
    "]",
    "",
    "[metadata]",
    f'content-hash = "{rnd(HEX, 64)}"',
    f'token = "{rnd(ALNUM, 32)}"',
])
write("decoys/package-lock.json", [
    "{",
    '  "packages": {',
    '    "node_modules/left-pad": {',
    '      "version": "1.3.0",',
    f'      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",',
    f'      "integrity": "sha512-{rnd(B64, 86)}=="',
    "    }",
    "  }",
    "}",
])
write("decoys/README.md", [
    "# Setup",
    "",
    "Export a token first:",
    "",
    "    export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "    export OPENAI_API_KEY=sk-...",
    "    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "",
    "Connect with `postgresql://user:password@localhost/db`.",
    "Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it.",
])
token_in_binary = f"ghp_{rnd(ALNUM, 36)}".encode()
write("decoys/blob.bin", None, binary=b"\x89PNG\r\n\x1a\n\x00\x00" + token_in_binary + b"\x00" * 32)
write("decoys/vendor.min.js", [f'var k="ghp_{rnd(ALNUM, 36)}";' + "function a(){return 1}" * 40])
write("decoys/bundle.js", ["(function(){" + ";".join(f"var v{i}={i}" for i in range(4000)) + f';var t="sk_live_{rnd(ALNUM, 24)}"' + "})();"])

truth.sort()
with open(os.path.join(out, "TRUTH"), "w") as f:
    f.write("# Planted secrets of the corpus: path, line, detector id. Everything else is a decoy.\n")
    for p, l, d in truth:
        f.write(f"{p}\t{l}\t{d}\n")
print(len(truth), "planted")
