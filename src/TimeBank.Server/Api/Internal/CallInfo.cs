using TimeBank.Rpc;
using TimeBank.Server.Auth;

namespace TimeBank.Server.Api.Internal;

/// <summary>What the pipeline established about a call before its handler runs.</summary>
/// <param name="Caller">The authenticated key; null only for public RPCs.</param>
internal sealed record CallInfo(RpcPolicy Policy, Caller? Caller, ServerCallContext Context)
{
    public Caller RequireCaller() => Caller ?? throw new InvalidOperationException($"{Policy} is public; its handler has no caller.");
}
