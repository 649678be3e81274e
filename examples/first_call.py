#!/usr/bin/env python3
"""A first call to a running TimeBank server with Google's gRPC client (Debian: python3-grpcio python3-grpc-tools).

    /usr/bin/python3 examples/first_call.py            # server on 127.0.0.1:5000, key in ./data/admin.key
    /usr/bin/python3 examples/first_call.py HOST:PORT
    TIMEBANK_KEY=tbk_... /usr/bin/python3 examples/first_call.py

Every call sends an API key as `authorization: Bearer <key>`. The server's first start writes its admin key
to <data folder>/admin.key (readable only by the user running it); run this from the folder you ran the
server in, or pass the key in TIMEBANK_KEY.

Generates Python stubs from protos/ into a temporary folder, creates a community (with the admin key),
registers a volunteer in it, deposits 90 minutes of service twice with the same request id (the retry
changes nothing), and prints the balance.
"""
import importlib
import os
import sys
import tempfile
import uuid

import grpc
from grpc_tools import protoc

address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5000"
key = os.environ.get("TIMEBANK_KEY")
if not key:
    with open(os.path.join("data", "admin.key")) as key_file:
        key = key_file.read().strip()
auth = [("authorization", f"Bearer {key}")]
protos = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protos")
out = tempfile.mkdtemp(prefix="timebank-first-call-")
well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
protoc.main(["protoc", f"-I{protos}", f"-I{well_known}", f"--python_out={out}", f"--grpc_python_out={out}", "timebank/v1/volunteer.proto", "timebank/v1/community.proto"])
sys.path.insert(0, out)
v1 = importlib.import_module("timebank.v1.volunteer_pb2")
v1_grpc = importlib.import_module("timebank.v1.volunteer_pb2_grpc")
communities_pb2 = importlib.import_module("timebank.v1.community_pb2")
communities_grpc = importlib.import_module("timebank.v1.community_pb2_grpc")

with grpc.insecure_channel(address) as channel:
    communities = communities_grpc.CommunityServiceStub(channel)
    community = communities.CreateCommunity(
        communities_pb2.CreateCommunityRequest(request_id="first-call-community", community_id="riverside", display_name="Riverside"), timeout=10, metadata=auth)
    print("community:", community.community.community_id, "created" if community.created else "already there",
          f"({community.community.policy.points_per_hour} points per hour)")

    volunteers = v1_grpc.VolunteerServiceStub(channel)
    registered = volunteers.RegisterVolunteer(
        v1.RegisterVolunteerRequest(request_id=str(uuid.uuid4()), volunteer_id="ana", display_name="Ana Li", community_id="riverside"), timeout=10, metadata=auth)
    print("registered:", registered.volunteer.volunteer_id, "created" if registered.created else "already registered")

    deposit = v1.DepositHoursRequest(request_id="first-call-1", volunteer_id="ana", activity_id="park-cleanup", minutes=90)
    for attempt in ("deposit", "retry"):
        receipt = volunteers.DepositHours(deposit, timeout=10, metadata=auth)
        print(f"{attempt}: {receipt.minutes_credited} minutes, {receipt.points_awarded} points")

    balance = volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id="ana"), timeout=10, metadata=auth)
    print(f"balance: {balance.hours_minutes} minutes, {balance.points} points")

    totals = communities.GetTotals(communities_pb2.GetTotalsRequest(community_id="riverside"), timeout=10, metadata=auth)
    print(f"report: {totals.total.minutes_credited} minutes credited, {totals.total.points_issued} points issued,"
          f" {totals.total.active_volunteers} active volunteer(s)")

    try:
        volunteers.DepositHours(v1.DepositHoursRequest(request_id="first-call-2", volunteer_id="ana", activity_id="park-cleanup", minutes=-5), timeout=10, metadata=auth)
    except grpc.RpcError as error:
        print(f"bad input: {error.code().name}: {error.details()}")

    try:
        volunteers.GetBalance(v1.GetBalanceRequest(volunteer_id="ana"), timeout=10)
    except grpc.RpcError as error:
        print(f"no key: {error.code().name}: {error.details()}")
