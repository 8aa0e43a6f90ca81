import requests

WEBHOOK = "https://hooks.slack.com/services/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"

def notify(text):
    requests.post(WEBHOOK, json={'text': text}, timeout=5)

def client():
    return Client(api_key="25HMcyJZsByYuFJI9Jyv1r965uQ4u6rR", timeout=10)
