#!/usr/bin/env python3
"""Calls a running TimeBank server with Google's gRPC client (python3-grpcio) and checks the answers.

Stubs are generated at run time from the repository's own protos with grpc_tools.protoc, so this tests the
.proto files as published, not a hand copy. Prints one line per check ("PASS name" / "FAIL name: why") and
exits non-zero when any check fails.

    /usr/bin/python3 tests/interop/python/interop_client.py --address 127.0.0.1:5000 --protos protos
"""
import argparse
import importlib
import os
import shutil
import sys
import tempfile
import uuid

import grpc
from grpc_tools import protoc


def generate_stubs(protos_dir, out_dir):
    # grpc/health/v1 would shadow the real `grpc` package on sys.path, so the health proto is compiled from a
    # copy under grpc_health/ (the proto package, and so the wire names, stay grpc.health.v1).
    staging = os.path.join(out_dir, "protos")
    shutil.copytree(protos_dir, staging)
    os.makedirs(os.path.join(staging, "grpc_health", "v1"))
    shutil.move(os.path.join(staging, "grpc", "health", "v1", "health.proto"), os.path.join(staging, "grpc_health", "v1", "health.proto"))
    shutil.rmtree(os.path.join(staging, "grpc"))
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    files = ["timebank/v1/volunteer.proto", "timebank/v1/admin.proto", "grpc_health/v1/health.proto", "google/rpc/status.proto", "google/rpc/error_details.proto"]
    args = ["protoc", f"-I{staging}", f"-I{well_known}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"] + files
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed on " + " ".join(files))
    sys.path.insert(0, out_dir)


def error_reason(error):
    """The google.rpc.ErrorInfo reason carried in grpc-status-details-bin, or None."""
    status_pb2 = importlib.import_module("google.rpc.status_pb2")
    details_pb2 = importlib.import_module("google.rpc.error_details_pb2")
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return None


def field_violations(error):
    """The fields named by a google.rpc.BadRequest in grpc-status-details-bin."""
    status_pb2 = importlib.import_module("google.rpc.status_pb2")
    details_pb2 = importlib.import_module("google.rpc.error_details_pb2")
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                bad = details_pb2.BadRequest()
                if detail.Unpack(bad):
                    return [v.field for v in bad.field_violations]
    return []


class Checks:
    def __init__(self):
        self.failed = 0

    def run(self, name, fn):
        try:
            fn()
            print(f"PASS {name}", flush=True)
        except Exception as e:  # report every failure, keep going
            self.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)


def expect_error(call, code, reason=None):
    try:
        call()
    except grpc.RpcError as e:
        assert e.code() == code, f"expected {code}, got {e.code()} ({e.details()})"
        if reason is not None:
            assert error_reason(e) == reason, f"expected reason {reason}, got {error_reason(e)}"
        return e
    raise AssertionError(f"expected {code}, but the call succeeded")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--protos", required=True)
    parser.add_argument("--key", required=True, help="an admin key: tbk_...")
    options = parser.parse_args()

    out_dir = tempfile.mkdtemp(prefix="timebank-interop-")
    try:
        generate_stubs(options.protos, out_dir)
        v1 = importlib.import_module("timebank.v1.volunteer_pb2")
        v1_grpc = importlib.import_module("timebank.v1.volunteer_pb2_grpc")
        health = importlib.import_module("grpc_health.v1.health_pb2")
        health_grpc = importlib.import_module("grpc_health.v1.health_pb2_grpc")
        admin_pb = importlib.import_module("timebank.v1.admin_pb2")
        admin_grpc = importlib.import_module("timebank.v1.admin_pb2_grpc")

        channel = grpc.insecure_channel(options.address)
        # Every call but health sends the key; the stubs take it as metadata.
        auth = [("authorization", f"Bearer {options.key}")]
        raw_volunteers = v1_grpc.VolunteerServiceStub(channel)
        admin = admin_grpc.AdminServiceStub(channel)

        class Keyed:
            def __init__(self, stub, metadata):
                self.stub, self.metadata = stub, metadata

            def __getattr__(self, name):
                method = getattr(self.stub, name)
                return lambda request, **kw: method(request, metadata=self.metadata, **kw)

        volunteers = Keyed(raw_volunteers, auth)
        probe = health_grpc.HealthStub(channel)
        checks = Checks()
        volunteer_id = "py-" + uuid.uuid4().hex[:12]
        request_id = str(uuid.uuid4())

        def health_serving():
            answer = probe.Check(health.HealthCheckRequest(service=""), timeout=10)
            assert answer.status == health.HealthCheckResponse.SERVING, answer

        def health_watch_first_status():
            stream = probe.Watch(health.HealthCheckRequest(service=""), timeout=10)
            first = next(stream)
            stream.cancel()
            assert first.status == health.HealthCheckResponse.SERVING, first

        def register():
            answer = volunteers.RegisterVolunteer(
                v1.RegisterVolunteerRequest(request_id=str(uuid.uuid4()), volunteer_id=volunteer_id, display_name="Wang Fang 王芳", community_id="riverside"), timeout=10)
            assert answer.created, answer
            assert answer.volunteer.display_name == "Wang Fang 王芳", answer
            assert answer.volunteer.registered_at.seconds > 0, answer

        def deposit():
            answer = volunteers.DepositHours(
                v1.DepositHoursRequest(request_id=request_id, volunteer_id=volunteer_id, activity_id="elder-care-visit", minutes=90), timeout=10)
            assert (answer.minutes_credited, answer.points_awarded) == (90, 15), answer

        def deposit_retry_is_idempotent():
            first = volunteers.DepositHours(
                v1.DepositHoursRequest(request_id=request_id, volunteer_id=volunteer_id, activity_id="elder-care-visit", minutes=90), timeout=10)
            again = volunteers.DepositHours(
                v1.DepositHoursRequest(request_id=request_id, volunteer_id=volunteer_id, activity_id="elder-care-visit", minutes=90), timeout=10)
            assert first == again, (first, again)

        def balance():
            answer = volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id=volunteer_id), timeout=10)
            assert (answer.hours_minutes, answer.points) == (90, 15), answer

        def negative_minutes():
            error = expect_error(lambda: volunteers.DepositHours(
                v1.DepositHoursRequest(request_id=str(uuid.uuid4()), volunteer_id=volunteer_id, activity_id="x", minutes=-30), timeout=10),
                grpc.StatusCode.INVALID_ARGUMENT, "MINUTES_NOT_POSITIVE")
            assert field_violations(error) == ["minutes"], field_violations(error)

        def reused_request_id():
            expect_error(lambda: volunteers.DepositHours(
                v1.DepositHoursRequest(request_id=request_id, volunteer_id=volunteer_id, activity_id="elder-care-visit", minutes=60), timeout=10),
                grpc.StatusCode.ALREADY_EXISTS, "REQUEST_ID_REUSED")

        def unknown_volunteer():
            expect_error(lambda: volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id="nobody-" + uuid.uuid4().hex[:8]), timeout=10),
                         grpc.StatusCode.NOT_FOUND, "VOLUNTEER_NOT_FOUND")

        def unknown_method():
            call = channel.unary_unary("/timebank.v1.VolunteerService/NoSuchMethod")
            expect_error(lambda: call(b"", timeout=10), grpc.StatusCode.UNIMPLEMENTED)

        def no_key_unauthenticated():
            expect_error(lambda: raw_volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id=volunteer_id), timeout=10),
                         grpc.StatusCode.UNAUTHENTICATED, "KEY_MISSING")

        def malformed_key_unauthenticated():
            expect_error(lambda: raw_volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id=volunteer_id), timeout=10,
                                                           metadata=[("authorization", "Bearer not-a-key")]),
                         grpc.StatusCode.UNAUTHENTICATED, "KEY_MALFORMED")

        def other_community_permission_denied_then_revoked():
            created = admin.CreateKey(admin_pb.CreateKeyRequest(request_id=str(uuid.uuid4()), role="app", scope="hillside",
                                                                display_name="Hillside app"), timeout=10, metadata=auth)
            assert created.secret.startswith("tbk_"), created
            hillside = Keyed(raw_volunteers, [("authorization", f"Bearer {created.secret}")])
            expect_error(lambda: hillside.GetBalance(v1.GetBalanceRequest(volunteer_id=volunteer_id), timeout=10),
                         grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE")
            # Nor may it learn whether a volunteer exists anywhere: an unknown id reads the same.
            expect_error(lambda: hillside.GetBalance(v1.GetBalanceRequest(volunteer_id="nobody-" + uuid.uuid4().hex[:8]), timeout=10),
                         grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE")
            admin.RevokeKey(admin_pb.RevokeKeyRequest(request_id=str(uuid.uuid4()), key_id=created.key.key_id), timeout=10, metadata=auth)
            expect_error(lambda: hillside.GetBalance(v1.GetBalanceRequest(volunteer_id=volunteer_id), timeout=10),
                         grpc.StatusCode.UNAUTHENTICATED, "KEY_REVOKED")

        def unknown_health_service():
            expect_error(lambda: probe.Check(health.HealthCheckRequest(service="no.such.Service"), timeout=10), grpc.StatusCode.NOT_FOUND)

        checks.run("health_check_serving", health_serving)
        checks.run("health_watch_serving", health_watch_first_status)
        checks.run("register_volunteer", register)
        checks.run("deposit_hours", deposit)
        checks.run("deposit_retry_idempotent", deposit_retry_is_idempotent)
        checks.run("get_balance", balance)
        checks.run("negative_minutes_invalid_argument", negative_minutes)
        checks.run("reused_request_id_already_exists", reused_request_id)
        checks.run("unknown_volunteer_not_found", unknown_volunteer)
        checks.run("unknown_method_unimplemented", unknown_method)
        checks.run("unknown_health_service_not_found", unknown_health_service)
        checks.run("no_key_unauthenticated", no_key_unauthenticated)
        checks.run("malformed_key_unauthenticated", malformed_key_unauthenticated)
        checks.run("other_community_permission_denied_then_revoked", other_community_permission_denied_then_revoked)
        channel.close()
        print(f"{14 - checks.failed} passed, {checks.failed} failed", flush=True)
        return 1 if checks.failed else 0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
