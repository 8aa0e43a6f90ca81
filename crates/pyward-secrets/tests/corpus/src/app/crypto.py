from cryptography.fernet import Fernet

FERNET = Fernet(b"WWIJXWBpQ8S5dcUIcxC1rq7gwGAxVb3mrGzt19C4xsu=")
blob = "0JrFmk8LmhkvIV0uUBT6CU8E0rcl+0S6"
headers = {"X-Internal": "de19f05a5f95743f1f9d7c215e6b9d442d545330"}  # internal api key

CLASS_NAME = "AbstractBaseUserManagerFactory2"
ASSET = "static/img/logo-2x-Retina.png"
LOGGER_NAME = "app.services.payments.StripeWebhookV2"
EXPECTED_SHA256 = "e13a97a286cb9be4d23829aebea9fb67936e041cd0bbf0247b4fdf21e8fae199"
DIGEST_B64 = "5FSxsEWbPknfeNED6oH6zZkNsI3n+fMzTdoDb8sB38l="
GIT_REVISION = "df203b2a035ad8f29be568ba9290cba1aa0d96e8"
TRACE_ID = "aec6b2fdbeb9921c50b73c9b3a0cd817"
ID = "f3c6856f-e72f-87a3-d943-527538ac3528"
