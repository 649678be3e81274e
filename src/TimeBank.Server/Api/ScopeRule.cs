namespace TimeBank.Server.Api;

/// <summary>Where a call's scope is read from, for keys confined to one community.</summary>
public abstract record ScopeRule
{
    /// <summary>No scope to check: only roles without a scope (admin) or the handler's own rules decide.</summary>
    public static readonly ScopeRule None = new NoScope();

    /// <summary>The target grain says which community owns it (<see cref="Grains.IScopedGrain"/>); a missing
    /// grain is out of every scope, so a scoped key never learns what exists elsewhere.</summary>
    public static readonly ScopeRule OfTarget = new TargetScope();

    /// <summary>The handler applies its own scope rules (e.g. key administration); the policy only checks roles.</summary>
    public static readonly ScopeRule ByHandler = new HandlerScope();

    /// <summary>A string field of the request names the community (e.g. <c>community_id</c>).</summary>
    public static ScopeRule CommunityField(string field) => new FieldScope(field);

    /// <summary>
    /// A string field of the request names another grain, whose owner is the scope: SignUp is scoped by the
    /// volunteer's community, whatever community the activity belongs to. A missing grain is out of every scope.
    /// </summary>
    public static ScopeRule OwnerOf<TGrain>(string field)
        where TGrain : Grains.IScopedGrain, Runtime.IGrainWithStringKey
        => new OwnerScope(field, (grains, key) => grains.GetGrain<TGrain>(key));

    internal sealed record NoScope : ScopeRule;

    internal sealed record OwnerScope(string Field, Func<Runtime.IGrainFactory, string, Grains.IScopedGrain> Resolve) : ScopeRule;

    internal sealed record TargetScope : ScopeRule;

    internal sealed record HandlerScope : ScopeRule;

    internal sealed record FieldScope(string Field) : ScopeRule;
}
