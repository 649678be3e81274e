using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Grains.Volunteers;
using TimeBank.Rpc;
using TimeBank.Runtime;
using TimeBank.Server.Api;
using TimeBank.Server.Api.Internal;
using TimeBank.Server.Auth;
using TimeBank.Storage.InMemory;

namespace TimeBank.Server.Tests;

/// <summary>No RPC ships unguarded, and a policy entry that cannot be carried out stops the start with a clear reason.</summary>
public sealed class ApiPolicyTests
{
    [Fact]
    public async Task Every_method_the_server_answers_has_exactly_one_policy_entry_and_every_entry_is_served()
    {
        await using var running = await RunningServer.StartAsync();
        var served = running.Server.Registry.Methods.Select(m => m.FullName).Order().ToArray();
        var policed = ApiPolicy.All.Select(p => p.Method.FullName).Order().ToArray();

        Assert.Equal(policed, served);
        Assert.Equal(policed.Length, policed.Distinct().Count());
        Assert.All(ApiPolicy.All.Where(p => !p.Public), p => Assert.True(p.Roles.Contains(Role.Admin), $"{p} does not admit admin"));
        Assert.All(ApiPolicy.All.Where(p => p.Public), p => Assert.StartsWith("/grpc.", p.Method.FullName, StringComparison.Ordinal));
    }

    [Fact]
    public void A_handler_without_a_policy_entry_stops_the_start()
    {
        var registration = NewRegistration().Handle(VolunteerServiceMethods.GetBalance, (_, _) => Task.FromResult(new GetBalanceResponse()));

        var error = Assert.Throws<InvalidOperationException>(() => registration.AddTo(new GrpcServiceRegistry(), []));
        Assert.Contains("GetBalance has a handler but no entry in ApiPolicy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_without_roles_or_without_a_way_to_answer_stops_the_start()
    {
        RpcPolicy[] policies =
        [
            RpcPolicy.For(VolunteerServiceMethods.GetBalance).Grain<IVolunteerGrain>("volunteer_id") with { },
            RpcPolicy.For(VolunteerServiceMethods.DepositHours).Mutation().Allow(Role.Organizer),
        ];
        var noRoles = policies[0];

        var error = Assert.Throws<InvalidOperationException>(() => NewRegistration().AddTo(new GrpcServiceRegistry(), policies));
        Assert.Contains("DepositHours: no grain named and no handler given", error.Message, StringComparison.Ordinal);
        Assert.Contains("GetBalance: no role may call it", error.Message, StringComparison.Ordinal);
        Assert.Empty(noRoles.Roles);
    }

    [Fact]
    public void A_request_field_no_one_reads_stops_the_start()
    {
        // GetBalance takes no command, so every DepositHoursRequest field but the key would be dropped.
        var policy = RpcPolicy.For(TestMethods.GetBalanceFromADeposit).Grain<IVolunteerGrain>("volunteer_id").Allow(Role.App);

        var error = Assert.Throws<InvalidOperationException>(() => NewRegistration().AddTo(new GrpcServiceRegistry(), [policy]));
        Assert.Contains("DepositHoursRequest.request_id would be ignored", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_parameter_no_request_field_fills_stops_the_start()
    {
        var policy = RpcPolicy.For(TestMethods.RegisterFromADeposit).Mutation().Grain<IVolunteerGrain>("volunteer_id").Allow(Role.App);

        var error = Assert.Throws<InvalidOperationException>(() => NewRegistration().AddTo(new GrpcServiceRegistry(), [policy]));
        Assert.Contains("RegisterVolunteer(String DisplayName) has no field in timebank.v1.DepositHoursRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_field_that_is_not_in_the_request_stops_the_start()
    {
        var policy = RpcPolicy.For(VolunteerServiceMethods.GetBalance).Grain<IVolunteerGrain>("member_id").Allow(Role.App);

        var error = Assert.Throws<InvalidOperationException>(() => NewRegistration().AddTo(new GrpcServiceRegistry(), [policy]));
        Assert.Contains("key field 'member_id'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_is_sent_with_its_reason_status_and_a_message_whose_echoed_values_are_cut()
    {
        var failure = Failure.Of(ErrorReasons.InvalidActivityId, ("value", new string('x', 1_000_000) + "\u0000"));

        var status = FailureMapping.ToRpc(failure);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("INVALID_ACTIVITY_ID", status.Reason);
        Assert.Equal(ErrorReasons.Domain, status.Domain);
        Assert.True(status.Detail.Length < 300, $"{status.Detail.Length} characters");
        Assert.Contains(new string('x', ErrorReason.MaxEchoedValueLength) + "...(cut)", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_reason_in_the_catalog_has_a_distinct_code_a_non_ok_status_and_a_message()
    {
        Assert.Equal(ErrorReasons.All.Count, ErrorReasons.All.Select(r => r.Code).Distinct().Count());
        Assert.All(ErrorReasons.All, r =>
        {
            Assert.Matches("^[A-Z][A-Z0-9_]+$", r.Code);
            Assert.NotEqual(StatusCode.OK, r.Status);
            Assert.False(string.IsNullOrWhiteSpace(r.Template));
        });
    }

    private static ApiRegistration NewRegistration()
    {
        var host = new GrainHost(new InMemoryGrainStorage());
        host.AddTimeBankGrains(new TimeBankGrainOptions());
        var pipeline = new CallPipeline(_ => new Caller("k", Role.Admin, "", null, "test"), new ApiMetrics(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        return new ApiRegistration(host, pipeline);
    }

    /// <summary>Real grain methods reached with the wrong request message, as a mistyped proto would.</summary>
    private static class TestMethods
    {
        public static readonly Method<DepositHoursRequest, GetBalanceResponse> GetBalanceFromADeposit = new(
            MethodType.Unary, "timebank.v1.VolunteerService", "GetBalance", DepositHoursRequest.Parser, GetBalanceResponse.Parser);

        public static readonly Method<DepositHoursRequest, RegisterVolunteerResponse> RegisterFromADeposit = new(
            MethodType.Unary, "timebank.v1.VolunteerService", "RegisterVolunteer", DepositHoursRequest.Parser, RegisterVolunteerResponse.Parser);
    }
}
