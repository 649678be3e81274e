namespace TimeBank.Runtime.Internal;

/// <summary>How to make one grain type: its stored type name, its class, and its reference.</summary>
internal sealed class GrainRegistration(
    string typeName,
    Type interfaceType,
    Func<Grain> createGrain,
    Func<GrainReferenceContext, GrainReference> createReference)
{
    public string TypeName { get; } = typeName;

    public Type InterfaceType { get; } = interfaceType;

    public Func<Grain> CreateGrain { get; } = createGrain;

    public Func<GrainReferenceContext, GrainReference> CreateReference { get; } = createReference;
}
