#!/usr/bin/env python3
"""Fuzz lead intake of a hookgrace server on loopback with signed and unsigned leads.

Usage: HOOKGRACE_TOKEN=<admin token> fuzz-leads.py http://127.0.0.1:PORT [REQUESTS] [SEED]

schemathesis cannot sign a lead, because the signature is an HMAC of the body keyed with a
secret that only the create and rotate responses show. This driver creates webhooks, keeps
their secrets and sends REQUESTS leads (2000 by default) at up to 50 a second: random bodies,
each signed correctly or in one of several wrong ways, with a random Content-Type. Between leads
it soft deletes, restores, disables, enables and force deletes webhooks and replaces their
secrets.

A model of each webhook predicts the status of every lead, and each response must match it.
At the end, each webhook's total_leads must equal the leads it accepted and its
rejected_signatures the leads it rejected with 401. The driver rejects any host but
127.0.0.1, localhost and ::1. Standard library only. Exits 1 on any mismatch or 5xx.
"""

import collections
import hashlib
import hmac
import http.client
import json
import os
import random
import sys
import time
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
TOKEN = os.environ.get("HOOKGRACE_TOKEN", "")
MAX_RATE = 50  # requests per second
MAX_BODY_BYTES = 1024 * 1024
MAX_REVENUE = 1e9
# serde_json stops parsing at 128 nested arrays or objects.
MAX_JSON_DEPTH = 128
# A soft delete older than this may have been purged already: the server runs with a 60 s
# grace period, and the consumer polls on its own schedule.
PURGE_UNCERTAIN_AFTER = 55

rng = random.Random(SEED)
connection = None
last_request = 0.0


def request(method, path, body=b"", headers=None, auth=True):
    """Send one request, at most MAX_RATE a second, and return (status, parsed JSON body)."""
    global connection, last_request
    wait = 1 / MAX_RATE - (time.monotonic() - last_request)
    if wait > 0:
        time.sleep(wait)
    last_request = time.monotonic()
    headers = dict(headers or {})
    if auth:
        headers["Authorization"] = f"Bearer {TOKEN}"
    for attempt in range(2):
        if connection is None:
            connection = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            break
        except (http.client.HTTPException, OSError):
            connection.close()
            connection = None
            if attempt == 1:
                raise
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = {"not_json": data[:200].decode("utf-8", "replace")}
    return response.status, parsed


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def random_text():
    alphabet = "abcxyz 0189é€😀\u202e\u200b\"\\/\t"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))


def random_body():
    """Return (body bytes, whether lead intake accepts it as a lead)."""
    kind = rng.choices(
        ["valid", "bad_revenue", "not_object", "malformed", "deep", "huge"],
        weights=[60, 12, 8, 14, 4, 2],
    )[0]
    if kind in ("valid", "bad_revenue"):
        lead = {random_text(): random_text() for _ in range(rng.randint(0, 4))}
        lead["email"] = random_text() + "@example.com"
        if kind == "valid":
            revenue = rng.choice([None, "absent", 0, 0.0, -0.0, 1e9, 17, rng.uniform(0, 1e9)])
        else:
            revenue = rng.choice([-1, -0.5, 1e9 + 0.5, 1e308, 10**30, "12", True, [], {}])
        if revenue != "absent":
            lead["revenue"] = revenue
        return json.dumps(lead, ensure_ascii=rng.random() < 0.5).encode(), kind == "valid"
    if kind == "not_object":
        return json.dumps(rng.choice([[], [1], "x", 1, None, True])).encode(), False
    if kind == "malformed":
        return rng.choice([
            b"",
            b"{",
            b'{"revenue": }',
            b'{"a": NaN}',
            b'{"a": 1}{"b": 2}',
            b"\xff\xfe{}",
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))),
        ]), False
    if kind == "deep":
        depth = rng.choice([MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH + 5])
        body = '{"a":' * depth + "1" + "}" * depth
        return body.encode(), depth <= MAX_JSON_DEPTH
    return b'{"blob": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}', False


def accepts_as_lead(body):
    """Return whether the body parses as a lead: a JSON object with a valid revenue."""
    def reject_constant(name):
        raise ValueError(name)
    try:
        lead = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    if not isinstance(lead, dict):
        return False
    revenue = lead.get("revenue")
    if revenue is None:
        return True
    if isinstance(revenue, bool) or not isinstance(revenue, (int, float)):
        return False
    return 0 <= revenue <= MAX_REVENUE


def signature_header(webhook, body):
    """Return (X-Webhook-Signature value or None, whether it is valid)."""
    secret = webhook["secret"]
    mode = rng.choices(
        ["good", "upper", "padded", "wrong_secret", "other_body", "old_secret", "missing",
         "short", "no_prefix", "sha1", "empty", "not_hex"],
        weights=[50, 5, 5, 6, 6, 4, 6, 4, 4, 3, 3, 4],
    )[0]
    good = sign(secret, body)
    if mode == "good":
        return good, True
    if mode == "upper":
        return "sha256=" + good[7:].upper(), True
    if mode == "padded":
        return "  " + good + " ", True
    if mode == "wrong_secret":
        return sign("whsec_" + "0" * 64, body), False
    if mode == "other_body":
        return sign(secret, body + b" "), False
    if mode == "old_secret" and webhook["old_secrets"]:
        return sign(rng.choice(webhook["old_secrets"]), body), False
    if mode == "missing" or mode == "old_secret":
        return None, False
    if mode == "short":
        return good[:-1], False
    if mode == "no_prefix":
        return good[7:], False
    if mode == "sha1":
        return "sha1=" + good[7:], False
    if mode == "empty":
        return "", False
    return "sha256=" + "z" * 64, False


def expected_statuses(webhook, signature_valid, body, body_ok):
    """Return the statuses that the model allows for a lead."""
    if len(body) > MAX_BODY_BYTES:
        return {413}
    state = webhook["state"]
    if state == "gone":
        return {410}
    soft_deleted_for = time.monotonic() - webhook.get("soft_deleted_at", time.monotonic())
    if state == "soft_deleted" and soft_deleted_for > PURGE_UNCERTAIN_AFTER:
        # Purged: 410 whatever the lead. Still soft-deleted: the signature, then the body.
        if not signature_valid:
            return {401, 410}
        if not body_ok:
            return {400, 410}
        return {410}
    if not signature_valid:
        return {401}
    if not body_ok:
        return {400}
    return {"enabled": {201}, "disabled": {404}, "soft_deleted": {410}}[state]


def create_webhook(number):
    body = json.dumps({"name": f"Lead fuzz {number}", "type": "solar", "region": "cal",
                       "category": "fuzz", "prefix": "leadfuzz"}).encode()
    status, created = request("POST", "/webhook", body, {"Content-Type": "application/json"})
    if status != 201:
        sys.exit(f"failed to create a webhook: {status} {created}")
    return {"id": created["webhook"]["id"], "name": f"Lead fuzz {number}",
            "secret": created["signing_secret"], "old_secrets": [], "state": "enabled",
            "accepted": 0, "rejected_signatures": 0}


def change_state(webhook, problems):
    """Apply one random write to the webhook and update the model from the response."""
    path = f"/webhook/{webhook['id']}"
    state = webhook["state"]
    if state == "gone":
        return
    action = rng.choice(["soft_delete", "restore", "toggle", "rotate", "force_delete"])
    json_type = {"Content-Type": "application/json"}
    if action == "soft_delete" and state != "soft_deleted":
        status, body = request("DELETE", path + "?reason=lead+fuzz")
        if status == 200:
            webhook["state"], webhook["soft_deleted_at"] = "soft_deleted", time.monotonic()
        elif status == 404 and "permanently deleted" in body.get("message", ""):
            webhook["state"] = "gone"
    elif action == "restore" and state == "soft_deleted":
        enabled = rng.choice([True, False])
        status, body = request("POST", f"{path}/restore?enabled={str(enabled).lower()}")
        if status == 200:
            webhook["state"] = "enabled" if enabled else "disabled"
        elif status == 410:
            webhook["state"] = "gone" if "deleted_at" in body else "soft_deleted"
    elif action == "toggle" and state in ("enabled", "disabled"):
        enabled = state == "disabled"
        status, _ = request("PATCH", f"{path}/status",
                            json.dumps({"enabled": enabled}).encode(), json_type)
        if status == 200:
            webhook["state"] = "enabled" if enabled else "disabled"
    elif action == "rotate":
        status, body = request("POST", f"{path}/signing-secret")
        if status == 200:
            webhook["old_secrets"].append(webhook["secret"])
            webhook["secret"] = body["signing_secret"]
        elif status == 404:
            webhook["state"] = "gone"
    elif action == "force_delete" and rng.random() < 0.2:
        confirm = urllib.parse.quote(webhook["name"])
        status, _ = request("DELETE", f"{path}?force=true&confirm={confirm}&reason=lead+fuzz")
        if status == 200:
            webhook["state"] = "gone"
    else:
        return
    if status >= 500:
        problems.append(f"{action} {webhook['id']}: {status}")


def main():
    host = BASE.hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"invalid host {host!r}: this driver sends traffic to loopback only; use "
                 "http://127.0.0.1:PORT")
    if not TOKEN:
        sys.exit("missing token: set HOOKGRACE_TOKEN to an admin token of the server")
    problems, statuses = [], collections.Counter()
    webhooks = [create_webhook(number) for number in range(1, 9)]
    content_types = [None, "application/json", "text/plain", "application/x-www-form-urlencoded"]
    started = time.monotonic()
    for step in range(REQUESTS):
        if rng.random() < 0.05:
            change_state(rng.choice(webhooks), problems)
        webhook = rng.choice(webhooks)
        body, generated_valid = random_body()
        # The generator's flag covers the nesting limit, which Python's parser does not have.
        body_ok = generated_valid and accepts_as_lead(body)
        signature, signature_valid = signature_header(webhook, body)
        headers = {}
        if signature is not None:
            headers["X-Webhook-Signature"] = signature
        content_type = rng.choice(content_types)
        if content_type:
            headers["Content-Type"] = content_type
        query = rng.choice(["", "?utm_source=fuzz", "?%ZZ=1&x"])
        allowed = expected_statuses(webhook, signature_valid, body, body_ok)
        status, response = request("POST", f"/webhook/{webhook['id']}{query}", body, headers,
                                   auth=rng.random() < 0.5)
        statuses[status] += 1
        if status == 201:
            webhook["accepted"] += 1
        elif status == 401:
            webhook["rejected_signatures"] += 1
        elif status == 410 and response and response.get("deletion_type"):
            webhook["state"] = "gone"
        if status not in allowed or not isinstance(response, dict) or "error" in response and \
                "timestamp" not in response:
            problems.append(f"step {step}: {webhook['id']} ({webhook['state']}) signature "
                            f"{signature_valid} body {body_ok}: {status}, expected "
                            f"{sorted(allowed)}: {json.dumps(response)[:300]}")

    for webhook in webhooks:
        status, detail = request("GET", f"/webhook/{webhook['id']}")
        if status == 404:
            continue
        if detail["config"]["total_leads"] != webhook["accepted"]:
            problems.append(f"{webhook['id']}: total_leads {detail['config']['total_leads']}, "
                            f"accepted {webhook['accepted']}")
        if detail["rejected_signatures"] != webhook["rejected_signatures"]:
            problems.append(f"{webhook['id']}: rejected_signatures "
                            f"{detail['rejected_signatures']}, sent "
                            f"{webhook['rejected_signatures']} rejected")
    elapsed = time.monotonic() - started
    print(f"leads={REQUESTS} seconds={elapsed:.0f} statuses={dict(sorted(statuses.items()))} "
          f"final_states={collections.Counter(w['state'] for w in webhooks)} "
          f"problems={len(problems)}")
    for problem in problems[:50]:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
