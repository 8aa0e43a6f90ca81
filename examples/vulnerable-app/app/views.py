"""Request handlers: every mistake here is one pyward's code scan finds."""
import hashlib
import pickle
import subprocess

import requests
import yaml
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    # Shell injection: the host name goes straight into a shell command.
    output = subprocess.check_output("ping -c 1 " + host, shell=True)
    return output


@app.route("/import", methods=["POST"])
def import_settings():
    # Unsafe deserialization: yaml.load without a safe loader, and pickle.
    settings = yaml.load(request.data)
    cached = pickle.loads(request.files["cache"].read())
    return jsonify(settings=settings, cached=cached)


@app.route("/user/<name>")
def user(name):
    try:
        query = "SELECT * FROM users WHERE name = '%s'" % name
        return jsonify(rows=db_execute(query))
    except Exception as exc:
        # Leaks internals to the client.
        return jsonify(error=str(exc)), 500


def store_password(password):
    # A fast hash is no password hash.
    return hashlib.md5(password.encode()).hexdigest()


def fetch_profile(url):
    # No timeout, and TLS verification switched off.
    return requests.get(url, verify=False)


def calculate(expression):
    return eval(expression)


def db_execute(query):
    return []


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
