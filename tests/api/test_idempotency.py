"""Idempotency-Key: a retry returns the first answer and registers no one twice."""
import json

from techtank_test import registration


def test_retry_returns_the_first_answer(daemon):
    raw = json.dumps(registration(2))
    headers = {"Idempotency-Key": "form-123e4567"}
    first = daemon.post("/api/v1/registrations", raw, headers=headers)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    second = daemon.post("/api/v1/registrations", raw, headers=headers)
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert daemon.remaining() == 58
    assert daemon.sql("SELECT count(*) FROM registrations") == [(1,)]


def test_same_key_other_body_is_409(daemon):
    headers = {"Idempotency-Key": "k-1"}
    assert daemon.register(registration(), headers=headers).status_code == 201
    r = daemon.register(registration(), headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert daemon.remaining() == 59


def test_concurrent_retries_register_once(daemon):
    from concurrent.futures import ThreadPoolExecutor
    raw = json.dumps(registration())
    headers = {"Idempotency-Key": "burst-1"}
    with ThreadPoolExecutor(16) as pool:
        rs = list(pool.map(lambda _: daemon.post("/api/v1/registrations", raw,
                                                 headers=headers), range(32)))
    assert {r.status_code for r in rs} == {201}
    assert len({r.json()["id"] for r in rs}) == 1
    assert daemon.remaining() == 59


def test_refused_request_is_not_kept(daemon):
    headers = {"Idempotency-Key": "k-2"}
    body = registration()
    body["privacy_accepted"] = False
    assert daemon.register(body, headers=headers).status_code == 422
    body["privacy_accepted"] = True
    assert daemon.register(body, headers=headers).status_code == 201


def test_replay_survives_a_restart(daemon):
    raw = json.dumps(registration())
    headers = {"Idempotency-Key": "after-restart-1"}
    first = daemon.post("/api/v1/registrations", raw, headers=headers)
    assert first.status_code == 201
    daemon.restart()
    second = daemon.post("/api/v1/registrations", raw, headers=headers)
    assert second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["manage_token"] == first.json()["manage_token"]
    assert daemon.sql("SELECT count(*) FROM registrations") == [(1,)]
