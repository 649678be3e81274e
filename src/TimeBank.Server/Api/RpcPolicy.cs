using System.Collections.Frozen;
using TimeBank.Rpc;
using TimeBank.Server.Auth;

namespace TimeBank.Server.Api;

/// <summary>
/// One RPC's entry in <see cref="ApiPolicy"/>: whether it changes anything, how long it may take when the
/// caller sets no deadline, who may call it and where its scope is read, and what carries it out (a grain
/// method found by convention, or a handler).
/// </summary>
public sealed record RpcPolicy
{
    private RpcPolicy(IMethod method)
    {
        Method = method;
    }

    public IMethod Method { get; }

    /// <summary>Callable without a key (health checks, reflection).</summary>
    public bool Public { get; private init; }

    /// <summary>Changes state: carries a request id and is idempotent by it.</summary>
    public bool Mutates { get; private init; }

    /// <summary>The deadline applied when the caller sends no <c>grpc-timeout</c>.</summary>
    public TimeSpan DefaultDeadline { get; private init; } = TimeSpan.FromSeconds(30);

    public FrozenSet<Role> Roles { get; private init; } = FrozenSet<Role>.Empty;

    public ScopeRule Scope { get; private init; } = ScopeRule.None;

    /// <summary>The grain interface the call goes to, or null for a handler.</summary>
    public System.Type? GrainInterface { get; private init; }

    /// <summary>The request field holding the grain's key (e.g. <c>volunteer_id</c>).</summary>
    public string? GrainKeyField { get; private init; }

    /// <summary>The grain key an empty key field stands for (a report over every community), or null: an empty key is malformed.</summary>
    public string? KeyWhenEmpty { get; private init; }

    public static RpcPolicy For(IMethod method) => new(method ?? throw new ArgumentNullException(nameof(method)));

    /// <summary>The call goes to <c>{Rpc}Async</c> on the <typeparamref name="TGrain"/> keyed by <paramref name="keyField"/>.</summary>
    public RpcPolicy Grain<TGrain>(string keyField) => this with { GrainInterface = typeof(TGrain), GrainKeyField = keyField };

    /// <summary>As <see cref="Grain{TGrain}(string)"/>, with an empty key field going to the grain keyed <paramref name="keyWhenEmpty"/>.</summary>
    public RpcPolicy Grain<TGrain>(string keyField, string keyWhenEmpty) => Grain<TGrain>(keyField) with { KeyWhenEmpty = keyWhenEmpty };

    public RpcPolicy Mutation() => this with { Mutates = true };

    public RpcPolicy Open() => this with { Public = true };

    /// <summary>Who may call. Admin may always call a non-public RPC and need not be listed.</summary>
    public RpcPolicy Allow(params Role[] roles) => this with { Roles = roles.Append(Role.Admin).ToFrozenSet() };

    public RpcPolicy ScopedBy(ScopeRule rule) => this with { Scope = rule };

    public RpcPolicy Deadline(TimeSpan deadline) => this with { DefaultDeadline = deadline };

    public override string ToString() => Method.FullName;
}
