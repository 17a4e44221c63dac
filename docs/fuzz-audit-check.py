#!/usr/bin/env python3
"""Compare a hookgrace server's webhooks, deletion jobs and tokens with its audit trail.

Usage: HOOKGRACE_TOKEN=<admin token> fuzz-audit-check.py http://127.0.0.1:PORT

Replays each webhook's audit events in order and checks that the state they lead to is the
state the server reports: active and enabled or disabled, soft-deleted, or gone after a purge
or force delete. Checks each job's state against its last job event, and each token's
revocation against its token_created and token_revoked events, whose webhook_id is empty.
Then prints GET /integrity. Exits 1 when anything disagrees. Reads only, with the standard
library. GET /tokens needs an admin token. Leads and the rejected_signatures counter have no
audit events, so they are not checked.
"""

import json
import os
import sys
import urllib.request

BASE = sys.argv[1].rstrip("/")
TOKEN = os.environ.get("HOOKGRACE_TOKEN", "")
TOKEN_EVENTS = ("token_created", "token_revoked")


def get(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def all_events():
    events, cursor = [], None
    while True:
        page = get("/audit?limit=500" + (f"&cursor={cursor}" if cursor else ""))
        events.extend(page["events"])
        cursor = page.get("next_cursor")
        if not cursor:
            return list(reversed(events))


def main():
    if not TOKEN:
        sys.exit("missing token: set HOOKGRACE_TOKEN to an admin token of the server")
    problems = []
    events = all_events()
    active = {w["id"]: w for w in get("/webhook")["webhooks"]}
    deleted = {w["id"]: w for w in get("/webhook/deleted")["webhooks"]}
    jobs = {}
    for state in ["pending", "processing", "completed", "failed", "cancelled", "dead_letter"]:
        for job in get(f"/queue/jobs?state={state}&limit=500")["jobs"]:
            jobs[job["id"]] = job

    tokens = {t["id"]: t for t in get("/tokens")["tokens"]}

    # Replay: webhook id -> "enabled" | "disabled" | "soft_deleted" | "gone", and
    # token id -> "active" | "revoked".
    replayed, job_events, token_states = {}, {}, {}
    for event in events:
        kind, webhook = event["event_type"], event["webhook_id"]
        if kind in TOKEN_EVENTS:
            if webhook:
                problems.append(f"event {event['id']} ({kind}) names webhook {webhook!r}")
            token_id = event["details"].get("token_id")
            token_states[token_id] = "active" if kind == "token_created" else "revoked"
            continue
        if not webhook:
            problems.append(f"event {event['id']} ({kind}) has an empty webhook_id")
        if kind == "created":
            replayed[webhook] = "enabled"
        elif kind in ("enabled", "disabled"):
            replayed[webhook] = kind
        elif kind == "soft_deleted":
            replayed[webhook] = "soft_deleted"
        elif kind == "restored":
            replayed[webhook] = "enabled" if event["details"].get("enabled") else "disabled"
        elif kind in ("purged", "force_deleted"):
            replayed[webhook] = "gone"
        if event.get("job_id"):
            job_events.setdefault(event["job_id"], []).append(kind)

    for webhook, state in replayed.items():
        if webhook in active:
            actual = "enabled" if active[webhook]["enabled"] else "disabled"
        elif webhook in deleted:
            actual = "soft_deleted"
        else:
            actual = "gone"
        if actual != state:
            problems.append(f"webhook {webhook}: server {actual}, audit trail {state}")
    for webhook in set(active) | set(deleted):
        if webhook not in replayed:
            problems.append(f"webhook {webhook} exists without a created event")

    expected_by_last_event = {
        "soft_deleted": "pending",
        "job_retried": "pending",
        "job_failed": "failed",
        "job_dead_lettered": "dead_letter",
        "job_cancelled": "cancelled",
        "purged": "completed",
    }
    for job_id, job in jobs.items():
        job_kinds = [k for k in job_events.get(job_id, []) if k in expected_by_last_event]
        if not job_kinds:
            problems.append(f"job {job_id} has no audit event")
            continue
        expected = expected_by_last_event[job_kinds[-1]]
        # A pending job that a consumer has claimed is processing without a new event.
        if job["state"] != expected and not (expected == "pending" and job["state"] == "processing"):
            problems.append(f"job {job_id}: server {job['state']}, audit trail {expected}")

    for token_id, token in tokens.items():
        actual = "revoked" if token["revoked_at"] else "active"
        expected = token_states.get(token_id)
        if expected is None:
            problems.append(f"token {token_id} ({token['name']}) has no token_created event")
        elif actual != expected:
            problems.append(f"token {token_id}: server {actual}, audit trail {expected}")
    for token_id in set(token_states) - set(tokens):
        problems.append(f"token {token_id} has audit events but is not in GET /tokens")

    integrity = get("/integrity")["issues"]
    print(f"events={len(events)} webhooks={len(replayed)} active={len(active)} "
          f"soft_deleted={len(deleted)} jobs={len(jobs)} tokens={len(tokens)} "
          f"integrity_issues={len(integrity)}")
    for problem in problems + [json.dumps(issue) for issue in integrity]:
        print(problem)
    sys.exit(1 if problems or integrity else 0)


if __name__ == "__main__":
    main()
