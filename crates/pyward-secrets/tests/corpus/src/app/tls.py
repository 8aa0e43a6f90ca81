# A key pasted into code, and code that only looks for key headers.
KEY = """-----BEGIN EC PRIVATE KEY-----
MGzMTDU8P8nrfZ/Yaa7dQCDpd0QNtkh9BttiDFBng9Cnb5jAo+AAPQXiFPBuOnNd
vLJAl00jRBrOP7hjfWPr7ZAJcf/FkVddiElM9TWl9ozVoXK37+HiqMPEsPu7JQcX
0lln52UHRk0GEj3za3z9HcSDelRJ8ksLNx39/2gbRq2K6rEAaOfycqUZGtNIm7yV
Nyd/1+vdr4eCkVo/wOgJ==
-----END EC PRIVATE KEY-----"""

def is_key(text):
    return text.startswith("-----BEGIN RSA PRIVATE KEY-----")

HEADER = "-----BEGIN PRIVATE KEY-----"
FOOTER = "-----END PRIVATE KEY-----"
