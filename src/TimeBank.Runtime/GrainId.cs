namespace TimeBank.Runtime;

/// <summary>A grain's identity: its type name and its key. Printed and stored as <c>type/key</c>.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
