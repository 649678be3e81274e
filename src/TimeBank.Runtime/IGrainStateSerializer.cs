using System.Text.Json;

namespace TimeBank.Runtime;

public interface IGrainStateSerializer
{
    byte[] Serialize<TState>(TState state);

    TState Deserialize<TState>(ReadOnlySpan<byte> payload);
}

/// <summary>State as UTF-8 JSON: readable in the database with any SQL client.</summary>
public sealed class JsonGrainStateSerializer : IGrainStateSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public byte[] Serialize<TState>(TState state) => JsonSerializer.SerializeToUtf8Bytes(state, Options);

    public TState Deserialize<TState>(ReadOnlySpan<byte> payload)
        => JsonSerializer.Deserialize<TState>(payload, Options)
           ?? throw new InvalidDataException($"Stored state deserialized to null for {typeof(TState).Name}.");
}
